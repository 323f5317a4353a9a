namespace Nines.Simulation;

/// <summary>The SplitMix64 mixer, used to derive an independent random seed for each call from a seed and a call index.</summary>
internal static class SplitMix64
{
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Makes the random source of call <paramref name="callIndex"/> under <paramref name="seed"/>.</summary>
    public static Random ForCall(int seed, long callIndex, ulong stream)
    {
        var mixed = Mix(Mix((ulong)(uint)seed ^ stream) + (ulong)callIndex);
        return new Random((int)(mixed ^ (mixed >> 32)));
    }
}
