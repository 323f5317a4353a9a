namespace Nines.Evals;

/// <summary>One configuration's part of an <see cref="EvalProgress"/>.</summary>
/// <param name="Name">The configuration's name.</param>
/// <param name="Done">Its trials finished so far.</param>
/// <param name="Total">Its trials in all.</param>
/// <param name="Passed">Its finished trials that passed.</param>
public sealed record EvalConfigurationProgress(string Name, int Done, int Total, int Passed)
{
    /// <summary>The share of finished trials that passed; 0 before the first.</summary>
    public double SuccessRate => Done == 0 ? 0 : (double)Passed / Done;
}
