using Nines.CommandLine.Storage;
using Nines.Evals;
using Nines.Workflows.Storage;
using static System.FormattableString;

namespace Nines.CommandLine.Evals;

/// <summary>What <c>nines eval &lt;suite&gt;</c> does: build the suite, open the journal, run with a progress bar, then
/// report (table, files, gates) — also after Ctrl+C, with the exact command that resumes.</summary>
internal sealed class EvalCommandRunner(CliConsole console, EvalSuiteDefinition definition, string invocation)
{
    public async Task<int> RunAsync(EvalCommandSettings settings, CancellationToken cancellationToken)
    {
        Validate(settings);
        var arguments = new EvalSuiteArguments(definition.Parameters, settings.SuiteValues);
        var suite = definition.Create(arguments)
            ?? throw new InvalidOperationException($"Eval suite '{definition.Name}' built no suite (its Create returned null).");
        var parameters = definition.Parameters.ToDictionary(p => p.Name, p => arguments.Get(p.Name), StringComparer.Ordinal);
        var gates = EvalResultsPresenter.ParseGates(settings.Gates);
        var started = console.TimeProvider.GetUtcNow();

        IWorkflowStore? store = null;
        StoreSpec? spec = null;
        if (!settings.NoJournal)
        {
            spec = StoreSpec.Parse(settings.Store ?? "sqlite:" + DefaultStorePath());
            if (spec.Kind == StoreKind.Sqlite)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(spec.SqlitePath)!);
            }

            store = await spec.OpenAsync(console.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var options = new EvalRunOptions
            {
                Trials = settings.Trials,
                Seed = settings.Seed,
                MaxConcurrency = settings.Concurrency,
                Configurations = settings.Configurations.Count == 0 ? null : settings.Configurations,
                Clock = console.TimeProvider,
                Store = store,
                RunId = settings.RunId,
                Resume = settings.Resume,
                Fresh = settings.Fresh,
                Parameters = parameters,
            };
            if (!settings.Json)
            {
                await console.Out.WriteLineAsync(Describe(suite, options)).ConfigureAwait(false);
            }

            EvalRunResult result;
            using (var display = new EvalProgressDisplay(console.CreateProgressBar(suite.Name)))
            {
                try
                {
                    result = await new EvalRunner().RunAsync(suite, options, display, cancellationToken).ConfigureAwait(false);
                }
                catch (EvalScorerException ex)
                {
                    display.Dispose();
                    await console.Error.WriteLineAsync("error: " + NinesCommandLine.OneLine(ex.Message)).ConfigureAwait(false);
                    if (store is not null)
                    {
                        await console.Error.WriteLineAsync($"The trials finished so far are journaled; after fixing the scorer, resume with: {ResumeCommand(settings)}").ConfigureAwait(false);
                    }

                    return ExitCodes.Failure;
                }
            }

            if (settings.Resume && store is not null && !settings.Json)
            {
                await console.Out.WriteLineAsync(result.ResumedTrials > 0
                    ? Invariant($"Resumed run {result.RunId}: {result.ResumedTrials} of {result.TotalTrials} trials came from the journal, {result.Results.Count - result.ResumedTrials} ran now.")
                    : $"Nothing to resume for this eval in {spec}; started run {result.RunId}.").ConfigureAwait(false);
            }

            var directory = Path.GetFullPath(settings.OutDirectory ?? Path.Combine(".nines", "evals", $"{Slug(suite.Name)}-{started:yyyyMMdd-HHmmss}"));

            // The report is written even after Ctrl+C: the token is spent, the files are not.
            var exitCode = await EvalResultsPresenter.PresentAsync(console, suite, result, gates, directory, settings.Json, CancellationToken.None).ConfigureAwait(false);
            if (result.Interrupted)
            {
                await console.Error.WriteLineAsync(Invariant($"Interrupted: {result.Results.Count} of {result.TotalTrials} trials finished; the partial report is in {directory}.")).ConfigureAwait(false);
                await console.Error.WriteLineAsync(store is null
                    ? "Trials were not journaled (--no-journal), so the eval cannot resume; run it again."
                    : $"Resume with: {ResumeCommand(settings)}").ConfigureAwait(false);
                return ExitCodes.Canceled;
            }

            return exitCode;
        }
        finally
        {
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The command line that continues this eval: as typed, with --resume instead of --fresh.</summary>
    internal string ResumeCommand(EvalCommandSettings settings)
    {
        var tokens = settings.Tokens.Where(t => t != "--fresh").ToList();
        if (!tokens.Contains("--resume"))
        {
            tokens.Add("--resume");
        }

        return invocation + " " + string.Join(' ', tokens.Select(Quote));
    }

    private static string DefaultStorePath() => Path.Combine(".nines", "evals.db");

    private static void Validate(EvalCommandSettings settings)
    {
        if (settings.Trials is < 1)
        {
            throw new CliUsageException(Invariant($"--trials must be at least 1 (got {settings.Trials})."));
        }

        if (settings.Concurrency is < 1)
        {
            throw new CliUsageException(Invariant($"--concurrency must be at least 1 (got {settings.Concurrency})."));
        }

        if (settings.Resume && settings.Fresh)
        {
            throw new CliUsageException("--resume and --fresh contradict each other: --resume continues the interrupted run, --fresh starts over; pass one.");
        }

        if (settings.NoJournal && (settings.Resume || settings.Fresh || settings.RunId is not null || settings.Store is not null))
        {
            throw new CliUsageException("--no-journal runs without the journal, so --resume, --fresh, --run-id and --store do not apply; drop one or the other.");
        }
    }

    private static string Describe(EvalSuite suite, EvalRunOptions options)
    {
        var configurations = options.Configurations is { Count: > 0 } chosen ? chosen.Count : suite.Configurations.Count;
        var trials = options.Trials ?? suite.Trials;
        return Invariant(
            $"Eval {suite.Name}: {suite.Cases.Count} case(s) x {configurations} configuration(s) x {trials} trial(s) = {suite.Cases.Count * configurations * trials:N0} trials, seed {options.Seed ?? suite.Seed}, {options.MaxConcurrency ?? suite.MaxConcurrency} at once.");
    }

    private static string Slug(string name) =>
        new([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);

    private static string Quote(string token) =>
        token.Length > 0 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '^' or ',')
            ? token
            : "\"" + token.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
