using System.Text.Json;
using Nines.Tools;

namespace Nines.Tests.Tools;

public sealed class ToolArgumentRuleTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nines-tools-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("/srv/data/report.csv", true)]
    [InlineData("/srv/data", true)]
    [InlineData("/srv/data/a/../b.txt", true)]
    [InlineData("/srv/data/../etc/passwd", false)]
    [InlineData("/srv/data/../../etc/passwd", false)]
    [InlineData("/srv/database/secrets", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("../etc/passwd", false)]
    [InlineData("notes/today.md", true)]
    [InlineData("", false)]
    public void PathUnder_LexicalPaths_AllowsOnlyPathsInsideRoot(string path, bool expected)
    {
        Skip.IfNot(Path.DirectorySeparatorChar == '/');
        var rule = ToolArgumentRule.PathUnder("path", "/srv/data");

        Assert.Equal(expected, rule.IsSatisfiedBy(path, JsonSerializerOptions.Default));
    }

    [Fact]
    public void PathUnder_SymlinkPointingOutside_IsRefused()
    {
        var outside = Directory.CreateTempSubdirectory("nines-outside-").FullName;
        try
        {
            var data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
            Directory.CreateSymbolicLink(Path.Combine(data, "escape"), outside);
            var rule = ToolArgumentRule.PathUnder("path", data);

            Assert.False(rule.IsSatisfiedBy(Path.Combine(data, "escape", "secret.txt"), JsonSerializerOptions.Default));
            Assert.True(rule.IsSatisfiedBy(Path.Combine(data, "inside.txt"), JsonSerializerOptions.Default));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void PathUnder_RootReachedThroughSymlink_ComparesCanonicalForms()
    {
        var data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        var alias = Path.Combine(_root, "alias");
        Directory.CreateSymbolicLink(alias, data);
        var rule = ToolArgumentRule.PathUnder("path", alias);

        Assert.True(rule.IsSatisfiedBy(Path.Combine(data, "file.txt"), JsonSerializerOptions.Default));
        Assert.False(rule.IsSatisfiedBy(Path.Combine(_root, "other.txt"), JsonSerializerOptions.Default));
    }

    [Fact]
    public void Create_ArgumentOfWrongType_IsViolationNotPass()
    {
        var rule = ToolArgumentRule.Create<decimal>("amount", v => v <= 500, "amount must be ≤ 500");

        Assert.False(rule.IsSatisfiedBy(JsonDocument.Parse("\"ten\"").RootElement, JsonSerializerOptions.Default));
        Assert.False(rule.IsSatisfiedBy(null, JsonSerializerOptions.Default));
        Assert.True(rule.IsSatisfiedBy(JsonDocument.Parse("120").RootElement, JsonSerializerOptions.Default));
    }
}
