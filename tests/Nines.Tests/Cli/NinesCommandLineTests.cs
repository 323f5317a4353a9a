using System.Text.Json;
using Nines.CommandLine;
using Nines.Models;

namespace Nines.Tests.Cli;

public class NinesCommandLineTests
{
    [Fact]
    public async Task Help_ExitsZeroAndListsCommands()
    {
        var result = await CliTestRunner.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("nines [command] [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("plan", result.Out, StringComparison.Ordinal);
        Assert.Contains("--verbose", result.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task NoArguments_PrintsHelpAndExitsZero()
    {
        var result = await CliTestRunner.RunAsync();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Commands:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_ExitsTwoWithOneParserLine()
    {
        var result = await CliTestRunner.RunAsync("frobnicate");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("'frobnicate'", line, StringComparison.Ordinal);
        Assert.Contains("nines --help", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwoNamingOptionAndCommandHelp()
    {
        var result = await CliTestRunner.RunAsync("plan", "--per-step-error", "0.1", "--bogus");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains("'--bogus'", line, StringComparison.Ordinal);
        Assert.Contains("nines plan --help", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task ReportAsync_UnexpectedException_ExitsOneWithVerboseHintAndNoStackTrace()
    {
        using var error = new StringWriter();

        var exitCode = await NinesCommandLine.ReportAsync(new InvalidOperationException("disk on fire"), error, verbose: false);

        Assert.Equal(ExitCodes.Failure, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("InvalidOperationException: disk on fire", line, StringComparison.Ordinal);
        Assert.Contains("--verbose", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAsync_Verbose_AddsStackTrace()
    {
        using var error = new StringWriter();
        Exception thrown;
        try
        {
            throw new InvalidOperationException("disk on fire");
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        var exitCode = await NinesCommandLine.ReportAsync(thrown, error, verbose: true);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains(nameof(ReportAsync_Verbose_AddsStackTrace), error.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<Exception> UsageExceptions => new()
    {
        new ArgumentException("bad thing"),
        new ModelSpecException("bad thing"),
        new FormatException("bad thing"),
        new FileNotFoundException("bad thing"),
        new JsonException("bad thing"),
        new CliUsageException("bad thing"),
        new AggregateException(new FormatException("bad thing")),
    };

    [Theory]
    [MemberData(nameof(UsageExceptions))]
    public async Task ReportAsync_KnownUserErrors_ExitTwoWithOneLine(Exception exception)
    {
        using var error = new StringWriter();

        var exitCode = await NinesCommandLine.ReportAsync(exception, error, verbose: false);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("error: bad thing" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task ReportAsync_ArgumentOutOfRange_DropsParameterAndActualValueNoise()
    {
        using var error = new StringWriter();
        var exception = new ArgumentOutOfRangeException("p", 0.4, "p must be > 0.5 (got 0.4).");

        var exitCode = await NinesCommandLine.ReportAsync(exception, error, verbose: false);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("error: p must be > 0.5 (got 0.4)." + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task ReportAsync_Canceled_Exits130()
    {
        using var error = new StringWriter();

        var exitCode = await NinesCommandLine.ReportAsync(new OperationCanceledException(), error, verbose: false);

        Assert.Equal(ExitCodes.Canceled, exitCode);
    }
}
