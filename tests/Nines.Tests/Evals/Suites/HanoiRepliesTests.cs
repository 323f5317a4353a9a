using Nines.Evals.Suites.Hanoi;

namespace Nines.Tests.Evals.Suites;

public class HanoiRepliesTests
{
    private readonly HanoiReplies _replies = new(20);

    [Fact]
    public void TryParse_TextOfEveryMove_GivesTheMoveBack()
    {
        for (var disk = 1; disk <= 20; disk++)
        {
            for (var from = 0; from < 3; from++)
            {
                for (var to = 0; to < 3; to++)
                {
                    var move = new HanoiMove(disk, from, to);
                    Assert.True(_replies.TryParse(_replies.Text(move), out var parsed));
                    Assert.Equal(move, parsed);
                }
            }
        }
    }

    [Fact]
    public void Text_SameMove_IsTheSameInstance()
    {
        // The hot path allocates no reply text: one string per move, reused as the vote key.
        Assert.Same(_replies.Text(new HanoiMove(3, 0, 2)), _replies.Text(new HanoiMove(3, 0, 2)));
        Assert.Equal("{\"disk\":3,\"from\":0,\"to\":2}", _replies.Text(new HanoiMove(3, 0, 2)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"disk\":3,\"from\":0,\"to\":2,}")]
    [InlineData("{'disk':3,'from':0,'to':2}")]
    [InlineData("{disk\":3,\"from\":0,\"to\":2}")]
    [InlineData("{{\"disk\":3,\"from\":0,\"to\":2}")]
    [InlineData("Here is the JSON:\n{\"disk\":3,\"from\":0,\"to\":2}\n}")]
    [InlineData("{\"disk\": 3, \"from\": 0, \"to\": 2}")]
    [InlineData("{\"disk\":21,\"from\":0,\"to\":2}")]
    [InlineData("{\"disk\":0,\"from\":0,\"to\":2}")]
    [InlineData("{\"disk\":3,\"from\":0,\"to\":3}")]
    [InlineData("{\"disk\":3,\"from\":0,\"to\":2} because")]
    public void TryParse_AnythingButTheExactFormat_IsNotAMove(string reply)
    {
        Assert.False(_replies.TryParse(reply, out _));
    }

    [Fact]
    public void Rambling_EndsInTheMove_AndIsFarOverTheTokenCap()
    {
        var rambling = _replies.Rambling(new HanoiMove(1, 0, 1));

        Assert.EndsWith(_replies.Text(new HanoiMove(1, 0, 1)), rambling, StringComparison.Ordinal);
        Assert.True(rambling.Length / 4 > 2 * HanoiSettings.TokenCap, $"{rambling.Length / 4} tokens should be well over the cap of {HanoiSettings.TokenCap}");
    }
}
