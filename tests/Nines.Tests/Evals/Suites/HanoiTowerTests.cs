using CsCheck;
using Nines.Evals.Suites.Hanoi;

namespace Nines.Tests.Evals.Suites;

public class HanoiTowerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(13)]
    public void NextOptimalMove_PlayedToTheEnd_SolvesInTwoToTheDMinusOneLegalMoves(int disks)
    {
        var tower = new HanoiTower(disks);
        while (!tower.IsSolved)
        {
            var move = tower.NextOptimalMove();
            Assert.True(tower.IsLegal(move), $"move {tower.MovesMade + 1} ({move}) is illegal");
            tower.Apply(move);
            Assert.True(tower.MovesMade <= tower.TotalMoves, "the tower should be solved within 2^d - 1 moves");
        }

        Assert.Equal((1L << disks) - 1, tower.MovesMade);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(10)]
    public void NextOptimalMove_EveryMove_EqualsTheRecursiveSolution(int disks)
    {
        var expected = new List<HanoiMove>();
        Solve(disks, 0, 2, 1);
        var tower = new HanoiTower(disks);
        foreach (var move in expected)
        {
            Assert.Equal(move, tower.NextOptimalMove());
            tower.Apply(move);
        }

        Assert.True(tower.IsSolved);

        void Solve(int n, int from, int to, int via)
        {
            if (n == 0)
            {
                return;
            }

            Solve(n - 1, from, via, to);
            expected.Add(new HanoiMove(n, from, to));
            Solve(n - 1, via, to, from);
        }
    }

    [Fact]
    public void PlausibleWrongMove_EveryStepOfATenDiskRun_IsLegalAndNotTheRightMove()
    {
        var tower = new HanoiTower(10);
        while (!tower.IsSolved)
        {
            var right = tower.NextOptimalMove();
            var wrong = tower.PlausibleWrongMove(right);
            Assert.NotEqual(right, wrong);
            Assert.True(tower.IsLegal(wrong), $"the wrong move {wrong} at move {tower.MovesMade + 1} should be legal, so only voting can catch it");
            tower.Apply(right);
        }
    }

    [Fact]
    public void Apply_DiskOntoASmallerOne_ThrowsAndLeavesTheStateAsItWas()
    {
        var tower = new HanoiTower(3);
        tower.Apply(new HanoiMove(1, 0, 2));

        Assert.Throws<InvalidOperationException>(() => tower.Apply(new HanoiMove(2, 0, 2)));
        Assert.Throws<InvalidOperationException>(() => tower.Apply(new HanoiMove(3, 0, 1)));
        Assert.Throws<InvalidOperationException>(() => tower.Apply(new HanoiMove(1, 1, 0)));
        Assert.Equal(1, tower.MovesMade);
        Assert.True(tower.IsLegal(new HanoiMove(2, 0, 1)));
    }

    [Fact]
    public void IsLegal_RandomMoves_AgreesWithAStackModel()
    {
        // Property: on random play, IsLegal says yes exactly when the disk is on top of its peg and lands on a larger disk or an empty peg.
        Gen.Int[1, 6].SelectMany(disks => Gen.Select(Gen.Int[1, disks], Gen.Int[0, 2], Gen.Int[0, 2]).Array[1, 60].Select(moves => (disks, moves)))
            .Sample(sample =>
            {
                var (disks, moves) = sample;
                var tower = new HanoiTower(disks);
                var pegs = new[] { new Stack<int>(Enumerable.Range(1, disks).Reverse()), new Stack<int>(), new Stack<int>() };
                foreach (var (disk, from, to) in moves)
                {
                    var move = new HanoiMove(disk, from, to);
                    var legal = from != to && pegs[from].TryPeek(out var top) && top == disk && (pegs[to].Count == 0 || pegs[to].Peek() > disk);
                    Assert.Equal(legal, tower.IsLegal(move));
                    if (legal)
                    {
                        tower.Apply(move);
                        pegs[to].Push(pegs[from].Pop());
                    }
                }

                Assert.Equal(pegs[2].Count == disks, tower.IsSolved);
            });
    }
}
