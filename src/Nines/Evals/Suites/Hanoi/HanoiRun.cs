using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Nines.Consensus;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Evals.Suites.Hanoi;

/// <summary>
/// One MAKER run: the tower is solved one move per step, each step decided by first-to-ahead-by-k voting over samples of a
/// simulated model (each sample a real <see cref="IChatClient"/> call), with red-flagged replies discarded before they vote.
/// Every voted move is checked against the optimal move and applied to the real tower, which must end solved.
/// </summary>
/// <remarks>
/// The hot path is written for a million steps in seconds: the state is int arrays, the optimal move is computed in O(1),
/// reply texts are made once per move (and double as vote keys), replies are parsed by hand, and the sampling options are
/// validated once. Each sample still goes through <see cref="SimulatedChatClient.GetResponseAsync"/> and the consensus
/// <see cref="VoteEngine"/>, the same code a real pipeline runs. One instance per run; not thread-safe.
/// </remarks>
internal sealed class HanoiRun
{
    private static readonly ChatMessage _instructions = new(ChatRole.System, HanoiReplies.Instructions);

    private readonly HanoiSettings _settings;
    private readonly HanoiTower _tower;
    private readonly HanoiReplies _replies;
    private readonly Func<Random, string> _wrongAnswer;
    private readonly SampleJudge<HanoiMove> _judge;
    private readonly ConsensusOptions _voting;
    private readonly ChatOptions _chatOptions = new() { AdditionalProperties = [] };
    private readonly StringBuilder _prompt;
    private IChatClient[] _models = [];
    private HanoiMove _wrong;
    private string _previous = "none yet";
    private long _samples;
    private long _redFlags;
    private long _wrongVotes;
    private long _inputTokens;
    private long _outputTokens;
    private string? _error;
    private string? _errorCategory;

    public HanoiRun(HanoiSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _tower = new HanoiTower(settings.Disks);
        _replies = new HanoiReplies(settings.Disks);

        // A wrong sample names the step's one plausible wrong move (the worst case for voting, as the formula assumes); some of
        // them think aloud past the token cap. Malformed replies come from the simulated model's own failure mode.
        _wrongAnswer = random => random.NextDouble() < settings.RamblingShare ? _replies.Rambling(_wrong) : _replies.Text(_wrong);
        _judge = response => _replies.TryParse(response.Text, out var move)
            ? Judgement<HanoiMove>.Vote(_replies.Text(move), move)
            : Judgement<HanoiMove>.Flag(RedFlagReason.Format, FailureCategory.MalformedJson, "The reply is not a move of the form {\"disk\":D,\"from\":F,\"to\":T}.");
        _voting = new ConsensusOptions
        {
            Mode = ConsensusMode.FirstToAheadByK,
            K = settings.K,
            MaxSamples = settings.MaxSamples,
            MaxParallelism = settings.K,
            MaxOutputTokens = HanoiSettings.TokenCap,
        }.Snapshot();
        _prompt = new StringBuilder(64 + (settings.Disks * 8));
    }

    public async Task<HanoiResult> RunAsync(EvalTrialContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = context.Time.GetTimestamp();
        using var model = new SimulatedChatClient(_settings.Model, new SimulationOptions { Seed = SuiteSimulation.Seed(context), TimeProvider = context.Time });
        _models = [model];
        try
        {
            // The loop stays trivial and each step is its own call, so the tiered JIT optimises the step like any hot method
            // instead of running a million iterations inside one long-lived async method body.
            while (_tower.MovesMade < _tower.TotalMoves && await StepAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }
        finally
        {
            context.RecordUsage(_settings.ModelName, _inputTokens, _outputTokens);
        }

        return new HanoiResult(
            _settings.Disks, _settings.K, _settings.PerStepError, _settings.RedFlagRate, _tower.MovesMade, _tower.TotalMoves,
            _error is null && _tower.IsSolved && _tower.MovesMade == _tower.TotalMoves, _samples, _redFlags, _wrongVotes, _error, _errorCategory,
            context.Time.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Decides and applies one move; <see langword="false"/> when the run must stop (a wrong move or no consensus).</summary>
    private async ValueTask<bool> StepAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var right = _tower.NextOptimalMove();
        _wrong = _tower.PlausibleWrongMove(right);
        var rightText = _replies.Text(right);
        _chatOptions.AdditionalProperties![SimulationChatOptionsExtensions.TaskKey] = new SimulatedTask(rightText, _wrongAnswer);

        _prompt.Clear();
        _prompt.Append("Move ").Append(_tower.MovesMade + 1).Append(" of ").Append(_tower.TotalMoves).Append(". Pegs (bottom first) ");
        _tower.Describe(_prompt);
        _prompt.Append(". Previous move: ").Append(_previous).Append('.');
        ChatMessage[] messages = [_instructions, new ChatMessage(ChatRole.User, _prompt.ToString())];

        VoteOutcome<HanoiMove> vote;
        try
        {
            vote = await VoteEngine.RunAsync(_models, messages, _chatOptions, _voting, _judge, cancellationToken).ConfigureAwait(false);
        }
        catch (NoConsensusException ex)
        {
            _samples += ex.SamplesDrawn;
            _redFlags += ex.RedFlags.Count;
            Stop($"no move got {_settings.K} votes ahead within {_settings.MaxSamples} samples", nameof(FailureCategory.NoConsensus));
            return false;
        }

        _samples += vote.SamplesDrawn;
        _redFlags += vote.RedFlags.Count;
        _inputTokens += vote.Usage.InputTokenCount ?? 0;
        _outputTokens += vote.Usage.OutputTokenCount ?? 0;
        foreach (var (key, count) in vote.Votes)
        {
            if (!string.Equals(key, rightText, StringComparison.Ordinal))
            {
                _wrongVotes += count;
            }
        }

        if (vote.Winner != right)
        {
            Stop($"the vote chose {vote.Winner}, the right move is {right}", nameof(FailureCategory.WrongAnswer));
            return false;
        }

        // Replay against the real state: throws if the move were illegal, so a finished run made only legal moves.
        _tower.Apply(vote.Winner);
        _previous = rightText;
        return true;
    }

    private void Stop(string what, string category)
    {
        _error = string.Create(CultureInfo.InvariantCulture, $"move {_tower.MovesMade + 1:N0} of {_tower.TotalMoves:N0}: {what}");
        _errorCategory = category;
    }
}
