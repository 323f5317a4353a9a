using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Nines.Tests.Resilience;

internal static class ResilienceTestHelpers
{
    private static readonly TimeSpan _guard = TimeSpan.FromSeconds(10);

    /// <summary>Yields until <paramref name="condition"/> holds; the real-time guard only turns a bug into a failure instead of a hang.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > _guard)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }

            await Task.Yield();
        }
    }

    /// <summary>Advances fake time in <paramref name="step"/>s while <paramref name="task"/> runs, letting continuations settle in between.</summary>
    public static async Task AdvanceUntilDoneAsync(FakeTimeProvider time, Task task, TimeSpan step, int maxSteps = 1000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            time.Advance(step);
            for (var j = 0; j < 20 && !task.IsCompleted; j++)
            {
                await Task.Yield();
            }
        }

        await WaitUntilAsync(() => task.IsCompleted, "the call to complete");
    }
}
