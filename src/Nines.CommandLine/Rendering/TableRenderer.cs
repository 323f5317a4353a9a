using System.Text;
using System.Text.RegularExpressions;

namespace Nines.CommandLine.Rendering;

/// <summary>
/// Plain-text tables: a header, a dashed rule and aligned rows, columns separated by two spaces, numbers
/// right-aligned. ASCII only, so the output survives any terminal, log file or CI console.
/// </summary>
/// <example>
/// <code>
/// var table = new TableRenderer(new TableColumn("config"), new TableColumn("success"), new TableColumn("nines"));
/// table.AddRow("baseline", "93.1%", "1.16");
/// table.Write(console.Out);
/// </code>
/// </example>
internal sealed partial class TableRenderer
{
    internal const string Separator = "  ";
    private readonly TableColumn[] _columns;
    private readonly List<string[]> _rows = [];

    public TableRenderer(params IEnumerable<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        if (_columns.Length == 0)
        {
            throw new ArgumentException("A table needs at least one column.", nameof(columns));
        }
    }

    /// <summary>The number of rows added so far.</summary>
    public int RowCount => _rows.Count;

    /// <summary>Adds a row; missing trailing cells are left empty.</summary>
    public TableRenderer AddRow(params IEnumerable<string?> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var row = cells.Select(c => c ?? string.Empty).ToArray();
        if (row.Length > _columns.Length)
        {
            throw new ArgumentException($"The row has {row.Length} cells but the table has {_columns.Length} columns.", nameof(cells));
        }

        if (row.Length < _columns.Length)
        {
            Array.Resize(ref row, _columns.Length);
            for (var i = 0; i < row.Length; i++)
            {
                row[i] ??= string.Empty;
            }
        }

        _rows.Add(row);
        return this;
    }

    /// <summary>Writes the table, each line prefixed by <paramref name="indent"/>.</summary>
    public void Write(TextWriter writer, string indent = "")
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Render(indent));
    }

    /// <summary>The table as text, one line per row plus the header and the rule, each line ending in a newline.</summary>
    public string Render(string indent = "")
    {
        var widths = new int[_columns.Length];
        var rightAligned = new bool[_columns.Length];
        for (var c = 0; c < _columns.Length; c++)
        {
            widths[c] = Math.Max(_columns[c].Header.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[c].Length));
            rightAligned[c] = _columns[c].Alignment switch
            {
                TableAlignment.Right => true,
                TableAlignment.Left => false,
                _ => _rows.Any(r => r[c].Length > 0) && _rows.All(r => LooksNumeric(r[c])),
            };
        }

        var text = new StringBuilder();
        AppendLine(_columns.Select(c => c.Header).ToArray());
        AppendLine(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in _rows)
        {
            AppendLine(row);
        }

        return text.ToString();

        void AppendLine(string[] cells)
        {
            var line = new StringBuilder(indent);
            for (var c = 0; c < cells.Length; c++)
            {
                if (c > 0)
                {
                    line.Append(Separator);
                }

                line.Append(rightAligned[c] ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
    }

    public override string ToString() => Render();

    /// <summary>Whether a cell reads as a number; empty cells and placeholders such as "-" or "inf" do not decide.</summary>
    internal static bool LooksNumeric(string cell) =>
        cell.Length == 0 || cell is "-" or "n/a" or "inf" || NumberPattern().IsMatch(cell);

    [GeneratedRegex(@"^[-+~<>]?\d[\d,]*(\.\d+)?([eE][-+]?\d+)?(%|x|s|ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();
}
