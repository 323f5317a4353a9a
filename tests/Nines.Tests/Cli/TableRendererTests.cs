using Nines.CommandLine.Rendering;

namespace Nines.Tests.Cli;

public class TableRendererTests
{
    [Fact]
    public void Render_MixedColumns_LeftAlignsTextAndRightAlignsNumbers()
    {
        var table = new TableRenderer(new TableColumn("config"), new TableColumn("success"), new TableColumn("trials"));
        table.AddRow("baseline", "93.1%", "1,000");
        table.AddRow("hardened", "99.95%", "20");

        var text = table.Render();

        Assert.Equal(
            "config    success  trials\n" +
            "--------  -------  ------\n" +
            "baseline    93.1%   1,000\n" +
            "hardened   99.95%      20\n",
            text);
    }

    [Fact]
    public void Render_ExplicitAlignment_OverridesDetection()
    {
        var table = new TableRenderer(new TableColumn("id", TableAlignment.Left), new TableColumn("name", TableAlignment.Right));
        table.AddRow("7", "a");
        table.AddRow("12", "bbb");

        Assert.Equal("id  name\n--  ----\n7      a\n12   bbb\n", table.Render());
    }

    [Fact]
    public void Render_ShortRowAndIndent_PadsWithEmptyCellsAndTrimsLineEnds()
    {
        var table = new TableRenderer(new TableColumn("a"), new TableColumn("bb"));
        table.AddRow("xyz");

        Assert.Equal("  a    bb\n  ---  --\n  xyz\n", table.Render("  "));
    }

    [Fact]
    public void AddRow_TooManyCells_Throws()
    {
        var table = new TableRenderer(new TableColumn("only"));

        var ex = Assert.Throws<ArgumentException>(() => table.AddRow("1", "2"));
        Assert.Contains("2 cells", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12", true)]
    [InlineData("-3.5", true)]
    [InlineData("99.9%", true)]
    [InlineData("1.1e-08", true)]
    [InlineData("2.0e-1002%", true)]
    [InlineData("1,048,575", true)]
    [InlineData("~100%", true)]
    [InlineData("inf", true)]
    [InlineData("gpt-4o", false)]
    [InlineData("3 steps", false)]
    public void LooksNumeric_RecognisesNumbers(string cell, bool numeric)
    {
        Assert.Equal(numeric, TableRenderer.LooksNumeric(cell));
    }

    [Fact]
    public void Render_OutputIsAscii()
    {
        var table = new TableRenderer(new TableColumn("k"), new TableColumn("nines"));
        table.AddRow("3", "7.97");

        Assert.All(table.Render(), c => Assert.True(c < 128));
    }
}
