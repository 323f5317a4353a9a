using System.Numerics;
using System.Text;

namespace Nines.Evals.Suites.Hanoi;

/// <summary>
/// The real state of a Towers of Hanoi game, and the optimal solution computed from it move by move: every move applied is
/// checked to be legal, so a run that ends <see cref="IsSolved"/> after 2^d − 1 moves made no error.
/// </summary>
/// <remarks>
/// The optimal solution is computed incrementally in O(1) per move (no recursion, no list of 2^d moves): move m moves disk
/// tz(m) + 1; the smallest disk always steps the same way round (0 → 1 → 2 for an even number of disks, 0 → 2 → 1 for an odd
/// one, which ends the tower on peg 2), and every other move is the only legal move that does not touch the smallest disk.
/// Not thread-safe: one tower per run.
/// </remarks>
internal sealed class HanoiTower
{
    private readonly int[][] _pegs;
    private readonly int[] _heights = new int[3];
    private readonly int[] _peg;
    private readonly int _smallestStep;

    /// <summary>Creates a tower of <paramref name="disks"/> disks on peg 0.</summary>
    public HanoiTower(int disks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(disks, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(disks, MaxDisks);
        Disks = disks;
        _pegs = [new int[disks], new int[disks], new int[disks]];
        _peg = new int[disks + 1];
        for (var i = 0; i < disks; i++)
        {
            _pegs[0][i] = disks - i;
        }

        _heights[0] = disks;
        _smallestStep = disks % 2 == 0 ? 1 : 2;
    }

    /// <summary>The most disks a tower may have (2^30 − 1 moves).</summary>
    public const int MaxDisks = 30;

    /// <summary>Gets the number of disks.</summary>
    public int Disks { get; }

    /// <summary>Gets the number of moves an optimal solution takes: 2^d − 1.</summary>
    public long TotalMoves => (1L << Disks) - 1;

    /// <summary>Gets the number of moves applied so far.</summary>
    public long MovesMade { get; private set; }

    /// <summary>Gets a value indicating whether every disk is on peg 2, largest at the bottom.</summary>
    public bool IsSolved => _heights[2] == Disks;

    /// <summary>The next move of the optimal solution from the current state (which must be on the optimal path).</summary>
    public HanoiMove NextOptimalMove()
    {
        var m = MovesMade + 1;
        var disk = BitOperations.TrailingZeroCount(m) + 1;
        var from = _peg[disk];
        var to = disk == 1 ? (from + _smallestStep) % 3 : 3 - from - _peg[1];
        return new HanoiMove(disk, from, to);
    }

    /// <summary>A plausible wrong move that is legal in the current state: the smallest disk sent to the other peg when it
    /// should move, otherwise the smallest disk moved again instead of the larger one.</summary>
    public HanoiMove PlausibleWrongMove(HanoiMove right)
    {
        var from = _peg[1];
        var to = right.Disk == 1 ? 3 - right.From - right.To : (from + _smallestStep) % 3;
        return new HanoiMove(1, from, to);
    }

    /// <summary>Whether <paramref name="move"/> is legal now: the disk is on top of its peg and lands on an empty peg or a larger disk.</summary>
    public bool IsLegal(HanoiMove move) =>
        move.Disk >= 1 && move.Disk <= Disks
        && (uint)move.From < 3 && (uint)move.To < 3 && move.From != move.To
        && _heights[move.From] > 0 && _pegs[move.From][_heights[move.From] - 1] == move.Disk
        && (_heights[move.To] == 0 || _pegs[move.To][_heights[move.To] - 1] > move.Disk);

    /// <summary>Applies <paramref name="move"/>.</summary>
    /// <exception cref="InvalidOperationException">The move is illegal in the current state.</exception>
    public void Apply(HanoiMove move)
    {
        if (!IsLegal(move))
        {
            throw new InvalidOperationException($"Move {MovesMade + 1} ({move}) is illegal in the current state.");
        }

        _heights[move.From]--;
        _pegs[move.To][_heights[move.To]++] = move.Disk;
        _peg[move.Disk] = move.To;
        MovesMade++;
    }

    /// <summary>Writes the pegs as the model sees them: <c>0: [5, 4, 1] 1: [3] 2: [2]</c>, bottom first.</summary>
    public void Describe(StringBuilder text)
    {
        for (var p = 0; p < 3; p++)
        {
            text.Append(p == 0 ? "" : " ").Append(p).Append(": [");
            for (var i = 0; i < _heights[p]; i++)
            {
                text.Append(i == 0 ? "" : ", ").Append(_pegs[p][i]);
            }

            text.Append(']');
        }
    }
}
