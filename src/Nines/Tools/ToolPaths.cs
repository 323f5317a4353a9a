namespace Nines.Tools;

/// <summary>Path canonicalisation for <see cref="ToolArgumentRule.PathUnder"/>.</summary>
internal static class ToolPaths
{
    private const int MaxLinkHops = 40;

    private static readonly StringComparison _comparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static bool IsUnder(string path, string root)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var canonicalRoot = Canonicalise(Path.GetFullPath(root));
        var candidate = Canonicalise(Path.GetFullPath(path, canonicalRoot));
        if (string.Equals(candidate, canonicalRoot, _comparison))
        {
            return true;
        }

        var prefix = Path.EndsInDirectorySeparator(canonicalRoot) ? canonicalRoot : canonicalRoot + Path.DirectorySeparatorChar;
        return candidate.StartsWith(prefix, _comparison);
    }

    /// <summary>Resolves symbolic links segment by segment for the part of the path that exists; the rest is kept as written.</summary>
    internal static string Canonicalise(string fullPath)
    {
        var hops = 0;
        var current = Path.GetPathRoot(fullPath) ?? string.Empty;
        var rest = fullPath[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var queue = new Queue<string>(rest);
        while (queue.Count > 0)
        {
            var next = Path.Combine(current, queue.Dequeue());
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    throw new IOException($"Too many symbolic links while resolving '{fullPath}'.");
                }

                // Re-walk the target from its own root so links inside it are resolved too.
                var resolved = Path.GetFullPath(target, current);
                var remaining = queue.ToArray();
                current = Path.GetPathRoot(resolved) ?? string.Empty;
                queue = new Queue<string>(resolved[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(remaining));
                continue;
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current.Length == 0 ? fullPath : current);
    }
}
