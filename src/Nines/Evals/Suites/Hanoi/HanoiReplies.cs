using System.Globalization;

namespace Nines.Evals.Suites.Hanoi;

/// <summary>
/// The one reply format of the Hanoi step, <c>{"disk":D,"from":F,"to":T}</c>: the texts of every move (made once, so the
/// hot path allocates none), a strict parser, and the long-winded replies some wrong samples give.
/// </summary>
/// <remarks>A reply that does not match the format exactly (extra text, a missing quote, single quotes) is not a move: MAKER
/// discards such replies as red flags instead of guessing what they meant. Thread-safe after construction.</remarks>
internal sealed class HanoiReplies
{
    // Long answers correlate with confused ones (MAKER): a wrong sample may think aloud far past the token cap.
    private const string Musing =
        "Let me think about this carefully. The smallest disk moves every other turn, but I should double-check which peg is free " +
        "and whether the larger disk can go there, because moving onto a smaller disk is not allowed; on reflection ";

    private readonly string[] _texts;
    private readonly int _disks;

    public HanoiReplies(int disks)
    {
        _disks = disks;
        _texts = new string[(disks + 1) * 9];
        for (var disk = 1; disk <= disks; disk++)
        {
            for (var from = 0; from < 3; from++)
            {
                for (var to = 0; to < 3; to++)
                {
                    _texts[Index(disk, from, to)] = string.Create(CultureInfo.InvariantCulture, $"{{\"disk\":{disk},\"from\":{from},\"to\":{to}}}");
                }
            }
        }
    }

    /// <summary>The instruction every step's prompt starts with.</summary>
    public const string Instructions =
        "You are solving Towers of Hanoi: move the whole tower from peg 0 to peg 2, one disk at a time, never placing a disk on a " +
        "smaller one. Disk 1 is the smallest. Strategy: on odd moves, move disk 1 one peg onward (0→1→2→0 for an even number of disks, " +
        "0→2→1→0 for an odd number); on even moves, make the only legal move that does not involve disk 1. " +
        "Reply with the next move only, exactly as {\"disk\":D,\"from\":F,\"to\":T}.";

    /// <summary>The reply text of <paramref name="move"/>; the same string instance every time, so it doubles as the vote key.</summary>
    public string Text(HanoiMove move) => _texts[Index(move.Disk, move.From, move.To)];

    /// <summary>A long-winded reply that ends in <paramref name="move"/>: several times over the token cap.</summary>
    public string Rambling(HanoiMove move) => string.Concat(Musing, Musing, Musing, Musing, "the move is ", Text(move));

    /// <summary>Parses a reply in exactly the format <c>{"disk":D,"from":F,"to":T}</c>.</summary>
    public bool TryParse(string? text, out HanoiMove move)
    {
        move = default;
        if (text is null)
        {
            return false;
        }

        var span = text.AsSpan();
        if (!Take(ref span, "{\"disk\":") || !Number(ref span, out var disk) || !Take(ref span, ",\"from\":") || !Number(ref span, out var from)
            || !Take(ref span, ",\"to\":") || !Number(ref span, out var to) || !Take(ref span, "}") || !span.IsEmpty)
        {
            return false;
        }

        if (disk < 1 || disk > _disks || from > 2 || to > 2)
        {
            return false;
        }

        move = new HanoiMove(disk, from, to);
        return true;

        static bool Take(ref ReadOnlySpan<char> span, string literal)
        {
            if (!span.StartsWith(literal, StringComparison.Ordinal))
            {
                return false;
            }

            span = span[literal.Length..];
            return true;
        }

        static bool Number(ref ReadOnlySpan<char> span, out int value)
        {
            value = 0;
            var digits = 0;
            while (digits < span.Length && digits < 3 && char.IsAsciiDigit(span[digits]))
            {
                value = (value * 10) + (span[digits] - '0');
                digits++;
            }

            span = span[digits..];
            return digits > 0;
        }
    }

    private static int Index(int disk, int from, int to) => (disk * 9) + (from * 3) + to;
}
