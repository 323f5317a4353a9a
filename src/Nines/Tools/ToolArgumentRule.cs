using System.Text.Json;

namespace Nines.Tools;

/// <summary>A check on one argument of a tool call, run after schema validation and before approval or execution.</summary>
/// <remarks>
/// A rule is skipped when its argument is absent (make the argument <c>required</c> in the schema if it must be present).
/// An argument that cannot be read as the rule's type is a violation, never a pass.
/// </remarks>
public sealed class ToolArgumentRule
{
    private readonly Func<object?, JsonSerializerOptions, bool> _check;

    private ToolArgumentRule(string argument, string message, Func<object?, JsonSerializerOptions, bool> check)
    {
        Argument = argument;
        Message = message;
        _check = check;
    }

    /// <summary>Gets the name of the argument the rule checks.</summary>
    public string Argument { get; }

    /// <summary>Gets the message the model receives when the rule fails.</summary>
    public string Message { get; }

    /// <summary>Creates a rule that reads the argument as <typeparamref name="T"/> and requires <paramref name="predicate"/> to hold.</summary>
    /// <typeparam name="T">The argument's type, as the JSON deserialiser reads it.</typeparam>
    /// <param name="argument">The argument's name.</param>
    /// <param name="predicate">The condition, for example <c>v =&gt; v &lt;= 500</c>.</param>
    /// <param name="message">What the model is told when the condition fails.</param>
    /// <returns>The rule.</returns>
    public static ToolArgumentRule Create<T>(string argument, Func<T, bool> predicate, string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(argument);
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        return new ToolArgumentRule(argument, message, (value, options) => TryRead<T>(value, options, out var typed) && predicate(typed));
    }

    /// <summary>
    /// Creates a rule that requires a path argument to resolve inside <paramref name="root"/> after canonicalisation:
    /// relative paths are taken from the root, <c>.</c> and <c>..</c> are resolved, and symbolic links that exist on disk
    /// are followed, so <c>/srv/data/../etc/passwd</c> and a link from <c>/srv/data/x</c> to <c>/etc</c> are both outside.
    /// </summary>
    /// <param name="argument">The argument's name.</param>
    /// <param name="root">The directory the path must stay under.</param>
    /// <returns>The rule.</returns>
    /// <remarks>
    /// The check happens before the tool runs; a link created between the check and the tool's own file access (a
    /// time-of-check/time-of-use race) is not caught. Tools that write should also open files relative to a trusted handle.
    /// </remarks>
    public static ToolArgumentRule PathUnder(string argument, string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(argument);
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        return new ToolArgumentRule(
            argument,
            $"'{argument}' must be a path under {root}",
            (value, options) => TryRead<string>(value, options, out var path) && ToolPaths.IsUnder(path, root));
    }

    internal bool IsSatisfiedBy(object? value, JsonSerializerOptions options)
    {
        try
        {
            return _check(value, options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or FormatException or InvalidCastException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A rule that cannot decide refuses: an unreadable argument is not evidence that it is safe.
            return false;
        }
    }

    private static bool TryRead<T>(object? value, JsonSerializerOptions options, out T typed)
    {
        switch (value)
        {
            case T direct:
                typed = direct;
                return true;
            case JsonElement element:
                typed = element.Deserialize<T>(options)!;
                return typed is not null;
            case null:
                typed = default!;
                return false;
            default:
                typed = JsonSerializer.SerializeToElement(value, value.GetType(), options).Deserialize<T>(options)!;
                return typed is not null;
        }
    }
}
