using Nines.CommandLine;
using Nines.CommandLine.Storage;

namespace Nines.Tests.Cli;

public sealed class StoreSpecTests
{
    [Theory]
    [InlineData(null, "Sqlite", "nines.db")]
    [InlineData("sqlite", "Sqlite", null)]
    [InlineData("sqlite:data/x.db", "Sqlite", "data/x.db")]
    [InlineData("./x.db", "Sqlite", "./x.db")]
    [InlineData("/var/lib/nines.db", "Sqlite", "/var/lib/nines.db")]
    [InlineData("postgres", "PostgreSql", null)]
    [InlineData("postgres:Host=localhost;Database=nines", "PostgreSql", "Host=localhost;Database=nines")]
    [InlineData("postgresql:Host=db", "PostgreSql", "Host=db")]
    public void Parse_KnownForms_GiveKindAndTarget(string? text, string kind, string? target)
    {
        var spec = StoreSpec.Parse(text);

        Assert.Equal(kind, spec.Kind.ToString());
        Assert.Equal(target, spec.Target);
    }

    [Theory]
    [InlineData("mysql:x")]
    [InlineData("sqlite:")]
    [InlineData("postgres:")]
    [InlineData(" ")]
    public void Parse_Malformed_ThrowsUsage(string text) =>
        Assert.Throws<CliUsageException>(() => StoreSpec.Parse(text));

    [Fact]
    public async Task Create_PostgreSql_BuildsThePostgreSqlStore()
    {
        await using var store = StoreSpec.Parse("postgres:Host=db;Username=nines").Create(TimeProvider.System);

        Assert.IsType<Nines.Workflows.Storage.PostgreSqlWorkflowStore>(store);
    }

    [Fact]
    public void Create_PlainPostgres_AsksForAConnectionString()
    {
        var error = Assert.Throws<CliUsageException>(() => StoreSpec.Parse("postgres").Create(TimeProvider.System));

        Assert.Contains("needs a connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_PostgreSql_NeverShowsTheConnectionString() =>
        Assert.DoesNotContain("secret", StoreSpec.Parse("postgres:Host=db;Password=secret").ToString(), StringComparison.Ordinal);
}
