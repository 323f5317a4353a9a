namespace Nines.CommandLine.Rendering;

/// <summary>A column of a <see cref="TableRenderer"/>: its header and how its cells align.</summary>
internal readonly record struct TableColumn(string Header, TableAlignment Alignment = TableAlignment.Auto);
