namespace Nines.Evals.Suites.Hanoi;

/// <summary>One move of Towers of Hanoi: disk <see cref="Disk"/> (1 is the smallest) from peg <see cref="From"/> to peg <see cref="To"/> (0–2).</summary>
internal readonly record struct HanoiMove(int Disk, int From, int To)
{
    /// <inheritdoc/>
    public override string ToString() => $"disk {Disk} {From}->{To}";
}
