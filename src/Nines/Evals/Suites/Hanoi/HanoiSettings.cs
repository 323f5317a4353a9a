using System.Globalization;
using Nines.Planning;
using Nines.Simulation;

namespace Nines.Evals.Suites.Hanoi;

/// <summary>The knobs of a Hanoi run and the MAKER figures that follow from them.</summary>
internal sealed record HanoiSettings
{
    /// <summary>The output-token cap above which a reply is red-flagged: a move is about 7 tokens, so 64 leaves room and
    /// still catches a sample that thinks aloud.</summary>
    public const int TokenCap = 64;

    /// <summary>Creates the settings.</summary>
    /// <param name="disks">Disks in the tower, 1–30.</param>
    /// <param name="perStepError">ε: the probability that one sample is not the right move, in [0, 0.5).</param>
    /// <param name="redFlagRate">The share of wrong samples that are red-flag errors (half over the token cap, half badly formatted), in [0, 1].</param>
    /// <param name="k">The voting margin, at least 1.</param>
    /// <param name="target">The whole-run success probability k_min is computed for, in (0, 1).</param>
    public HanoiSettings(int disks, double perStepError, double redFlagRate, int k, double target)
    {
        Disks = disks;
        PerStepError = perStepError;
        RedFlagRate = redFlagRate;
        K = k;
        Target = target;
        Steps = (1L << disks) - 1;
        KMin = perStepError == 0 ? 1 : ReliabilityMath.KMin(1 - perStepError, Steps, target);
        MaxSamples = (20 * k) + 20;

        // The simulated model: right with p = 1 − ε, no latency; of its errors a share 1 − r are well-formed wrong moves, r/2 are
        // malformed, and r/2 are wrong moves wrapped in a long musing (drawn inside the wrong-answer outcome).
        var spec = string.Create(
            CultureInfo.InvariantCulture,
            $"p={1 - perStepError},wrong={1 - (redFlagRate / 2)},malformed={redFlagRate / 2},truncated=0,refusal=0,empty=0,ttft=0,token=0,jitter=0");
        Model = SimulationProfile.Parse(spec);
        ModelName = "sim:" + Model.Name;
        RamblingShare = redFlagRate / 2 / (1 - (redFlagRate / 2));
    }

    public int Disks { get; }

    public double PerStepError { get; }

    public double RedFlagRate { get; }

    public int K { get; }

    public double Target { get; }

    /// <summary>Gets the number of moves, 2^d − 1.</summary>
    public long Steps { get; }

    /// <summary>Gets k_min (MAKER): the smallest margin for which all <see cref="Steps"/> votes succeed with probability ≥ <see cref="Target"/>,
    /// computed from p = 1 − ε (red flags ignored, which only makes it conservative).</summary>
    public int KMin { get; }

    /// <summary>Gets the sample budget of one step, red flags included.</summary>
    public int MaxSamples { get; }

    /// <summary>Gets the simulated model.</summary>
    public SimulationProfile Model { get; }

    /// <summary>Gets the model's name, as priced and reported.</summary>
    public string ModelName { get; }

    /// <summary>Gets the share of wrong-answer draws that ramble past the token cap.</summary>
    public double RamblingShare { get; }

    /// <summary>Gets the probability that one sample is red-flagged: ε·r.</summary>
    public double RedFlagProbability => PerStepError * RedFlagRate;

    /// <summary>Gets the probability that a sample that votes is right: p' = (1 − ε) / (1 − ε·r).</summary>
    public double ValidVoteAccuracy => (1 - PerStepError) / (1 - RedFlagProbability);

    /// <summary>Gets the expected samples per step: the gambler's-ruin duration <see cref="ReliabilityMath.ExpectedSamplesAheadByK"/>
    /// over valid votes (accuracy p'), divided by the share of samples that are not red-flagged (Wald's identity).</summary>
    public double ExpectedSamplesPerStep => ReliabilityMath.ExpectedSamplesAheadByK(ValidVoteAccuracy, K) / (1 - RedFlagProbability);

    /// <summary>Gets the probability that one step's vote picks the wrong move, with red flags discarded.</summary>
    public double StepFailure => ReliabilityMath.FirstToAheadByKFailure(ValidVoteAccuracy, K);

    /// <summary>Gets the probability that all steps' votes pick the right move.</summary>
    public double PredictedSuccess => ReliabilityMath.WorkflowSuccessFromStepFailure(StepFailure, Steps);
}
