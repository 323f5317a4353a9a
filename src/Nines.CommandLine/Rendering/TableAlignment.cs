namespace Nines.CommandLine.Rendering;

/// <summary>How a <see cref="TableRenderer"/> column aligns its cells.</summary>
internal enum TableAlignment
{
    /// <summary>Right if every non-empty cell of the column looks like a number (12, 3.5, 99.9%, 1.2e-08, 1,024), else left.</summary>
    Auto,

    /// <summary>Left-aligned (text).</summary>
    Left,

    /// <summary>Right-aligned (numbers).</summary>
    Right,
}
