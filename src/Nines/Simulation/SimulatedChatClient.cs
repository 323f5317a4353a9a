using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Simulation;

/// <summary>
/// A stand-in for an LLM: answers correctly with probability p (from an oracle that knows the answer) and otherwise
/// fails the way real models fail, with realistic token counts and latency. Clearly labelled as a simulation.
/// </summary>
/// <remarks>
/// <para>Labelling: the model id is <c>sim:&lt;profile&gt;</c>, the metadata provider is <c>nines-simulation</c>, every response
/// carries <c>nines.simulated = true</c> in its additional properties and a <c>sim</c> layer trace note.</para>
/// <para>Determinism: call n draws from a random source derived (SplitMix64) from the seed and n, so the same seed and the same
/// order of calls give the same answers. Calls made concurrently get independent draws, but which call gets which index then
/// depends on scheduling.</para>
/// <para>Each call is an independent draw, including re-asks of a repair loop, so repairs help as they do with real models.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class SimulatedChatClient : IChatClient
{
    /// <summary>The response property key that marks a response as simulated (value <see langword="true"/>).</summary>
    public const string SimulatedKey = "nines.simulated";

    /// <summary>The response property key that holds the call's <see cref="SimulatedOutcome"/>.</summary>
    public const string OutcomeKey = "nines.simulated.outcome";

    /// <summary>The response property key that holds the probability (a <see cref="double"/>) that the call would answer correctly,
    /// after <see cref="SimulationProfile.AccuracyDecay"/> for its prompt size.</summary>
    public const string AccuracyKey = "nines.simulated.accuracy";

    private static readonly ulong _stream = 0x51_4D_55_4C; // "SIMUL": keeps sim draws independent of chaos draws with the same seed.

    private readonly SimulationProfile _profile;
    private readonly SimulationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata;
    private readonly string _modelId;
    private readonly string[] _notes;
    private long _calls;

    /// <summary>Creates a simulated model.</summary>
    /// <param name="profile">How it behaves.</param>
    /// <param name="options">Seed, clock and default oracle; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The profile or options are invalid (every problem is listed).</exception>
    public SimulatedChatClient(SimulationProfile profile, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options ??= new SimulationOptions();
        var problems = profile.Validate();
        if (options.TimeProvider is null)
        {
            problems.Add("SimulationOptions.TimeProvider must not be null");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Simulation profile '{profile.Name}' is invalid: {string.Join("; ", problems)}.", nameof(profile));
        }

        _profile = profile;
        _options = options;
        _timeProvider = options.TimeProvider!;
        _modelId = "sim:" + profile.Name;
        _metadata = new ChatClientMetadata("nines-simulation", null, _modelId);
        _notes = [.. Enum.GetValues<SimulatedOutcome>().Select(Describe)];
    }

    /// <summary>Gets the profile this model follows.</summary>
    public SimulationProfile Profile => _profile;

    /// <summary>Gets the number of calls made so far.</summary>
    public long CallCount => Interlocked.Read(ref _calls);

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var plan = Draw(messages, options);
        var delay = plan.TimeToFirstToken + (plan.PerToken * plan.OutputTokens);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, plan.Text) { MessageId = plan.ResponseId })
        {
            ModelId = _modelId,
            ResponseId = plan.ResponseId,
            FinishReason = plan.FinishReason,
            CreatedAt = _timeProvider.GetUtcNow(),
            Usage = plan.Usage(),
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [SimulatedKey] = true,
                [OutcomeKey] = plan.Outcome,
                [AccuracyKey] = plan.Accuracy,
            },
        };
        LayerTrace.Add(response, "sim", _notes[(int)plan.Outcome]);
        return response;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var plan = Draw(messages, options);
        if (plan.TimeToFirstToken > TimeSpan.Zero)
        {
            await Task.Delay(plan.TimeToFirstToken, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        var chunks = Chunk(plan.Text);
        for (var i = 0; i < chunks.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (i > 0 && plan.PerToken > TimeSpan.Zero)
            {
                var tokens = Math.Max(1, (plan.OutputTokens + chunks.Count - 1) / chunks.Count);
                await Task.Delay(plan.PerToken * tokens, _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            var last = i == chunks.Count - 1;
            var update = new ChatResponseUpdate(ChatRole.Assistant, chunks[i])
            {
                ModelId = _modelId,
                ResponseId = plan.ResponseId,
                MessageId = plan.ResponseId,
                CreatedAt = _timeProvider.GetUtcNow(),
                AdditionalProperties = new AdditionalPropertiesDictionary { [SimulatedKey] = true },
            };
            if (last)
            {
                update.FinishReason = plan.FinishReason;
                update.Contents.Add(new UsageContent(plan.Usage()));
                update.AdditionalProperties[OutcomeKey] = plan.Outcome;
                update.AdditionalProperties[AccuracyKey] = plan.Accuracy;
            }

            yield return update;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static List<string> Chunk(string text)
    {
        // A few chunks, like a real stream; an empty answer is still one (empty) update carrying the finish reason.
        const int Pieces = 4;
        var chunks = new List<string>(Pieces);
        if (text.Length < Pieces * 2)
        {
            chunks.Add(text);
            return chunks;
        }

        var size = (text.Length + Pieces - 1) / Pieces;
        for (var start = 0; start < text.Length; start += size)
        {
            chunks.Add(text.Substring(start, Math.Min(size, text.Length - start)));
        }

        return chunks;
    }

    private string Describe(SimulatedOutcome outcome)
    {
        var what = outcome switch
        {
            SimulatedOutcome.Correct => "answered correctly",
            SimulatedOutcome.WrongAnswer => "answered wrong-but-valid",
            SimulatedOutcome.MalformedJson => "answered malformed JSON",
            SimulatedOutcome.Truncated => "answered truncated (length)",
            SimulatedOutcome.Refusal => "refused",
            _ => "answered empty",
        };
        return $"simulated model '{_profile.Name}' (p={_profile.Accuracy.ToString(CultureInfo.InvariantCulture)}): {what}";
    }

    private Plan Draw(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var index = Interlocked.Increment(ref _calls);
        var stream = SplitMix64.ForCall(_options.Seed, index, _stream);

        var task = ResolveTask(list, options);
        var correct = task?.CorrectAnswer ?? GenericReply(list);
        var inputTokens = 0L;
        foreach (var message in list)
        {
            inputTokens += Tokens(PromptText.Length(message));
        }

        // Drawn the same way with or without decay, so a longer prompt only moves the threshold: common random numbers.
        var accuracy = _profile.AccuracyAt(inputTokens);
        var outcome = stream.NextDouble() < accuracy ? SimulatedOutcome.Correct : ChooseFailure(ref stream, task is not null);
        var factor = 1 + (_profile.LatencyJitter * ((2 * stream.NextDouble()) - 1));
        var random = outcome == SimulatedOutcome.Correct ? null : stream.NextRandom();

        var finish = ChatFinishReason.Stop;
        string text;
        switch (outcome)
        {
            case SimulatedOutcome.WrongAnswer:
                text = task?.WrongAnswer?.Invoke(random!) ?? AnswerFaults.MakeWrong(correct, random!);
                break;
            case SimulatedOutcome.MalformedJson:
                text = AnswerFaults.Malform(correct, random!);
                break;
            case SimulatedOutcome.Truncated:
                text = AnswerFaults.Truncate(correct, random!);
                finish = ChatFinishReason.Length;
                break;
            case SimulatedOutcome.Refusal:
                text = AnswerFaults.Refusal(random!);
                finish = ChatFinishReason.ContentFilter;
                break;
            case SimulatedOutcome.Empty:
                text = string.Empty;
                break;
            default:
                text = correct;
                break;
        }

        var outputTokens = (long)Math.Ceiling(Tokens(text.Length) * _profile.OutputTokenInflation);
        if (outcome == SimulatedOutcome.Truncated && options?.MaxOutputTokens is int max && max > 0)
        {
            outputTokens = max;
        }

        return new Plan(
            text,
            finish,
            outcome,
            "sim-" + index.ToString(CultureInfo.InvariantCulture),
            Math.Max(1, inputTokens),
            outputTokens,
            _profile.TimeToFirstToken * factor,
            _profile.PerOutputToken * factor,
            accuracy);
    }

    private static long Tokens(long characters) => (characters + 3) / 4;

    private SimulatedOutcome ChooseFailure(ref SplitMix64 random, bool hasTask)
    {
        // Without an oracle the reply is plain text: wrong values and malformed JSON have no meaning there.
        var wrong = hasTask ? _profile.WrongAnswerWeight : 0;
        var malformed = hasTask ? _profile.MalformedJsonWeight : 0;
        var total = wrong + malformed + _profile.TruncatedWeight + _profile.RefusalWeight + _profile.EmptyWeight;
        if (total <= 0)
        {
            return SimulatedOutcome.Correct;
        }

        var u = random.NextDouble() * total;
        if ((u -= wrong) < 0)
        {
            return SimulatedOutcome.WrongAnswer;
        }

        if ((u -= malformed) < 0)
        {
            return SimulatedOutcome.MalformedJson;
        }

        if ((u -= _profile.TruncatedWeight) < 0)
        {
            return SimulatedOutcome.Truncated;
        }

        if ((u -= _profile.RefusalWeight) < 0)
        {
            return SimulatedOutcome.Refusal;
        }

        return _profile.EmptyWeight > 0 ? SimulatedOutcome.Empty : SimulatedOutcome.Refusal;
    }

    private SimulatedTask? ResolveTask(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var properties = options?.AdditionalProperties;
        if (properties is not null)
        {
            if (properties.TryGetValue(SimulationChatOptionsExtensions.TaskKey, out var taskValue) && taskValue is SimulatedTask task)
            {
                return task;
            }

            if (properties.TryGetValue(SimulationChatOptionsExtensions.OracleKey, out var oracleValue) && oracleValue is ISimulationOracle oracle)
            {
                return oracle.Resolve(messages, options);
            }
        }

        return _options.Oracle?.Resolve(messages, options);
    }

    private static string GenericReply(IReadOnlyList<ChatMessage> messages)
    {
        var lastUser = string.Empty;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                lastUser = messages[i].Text;
                break;
            }
        }

        return "Simulated reply to: " + (lastUser.Length > 60 ? lastUser[..60] : lastUser);
    }

    private readonly record struct Plan(
        string Text,
        ChatFinishReason FinishReason,
        SimulatedOutcome Outcome,
        string ResponseId,
        long InputTokens,
        long OutputTokens,
        TimeSpan TimeToFirstToken,
        TimeSpan PerToken,
        double Accuracy)
    {
        public UsageDetails Usage() => new()
        {
            InputTokenCount = InputTokens,
            OutputTokenCount = OutputTokens,
            TotalTokenCount = InputTokens + OutputTokens,
        };
    }
}
