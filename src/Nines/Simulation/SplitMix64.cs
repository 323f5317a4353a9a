namespace Nines.Simulation;

/// <summary>
/// A SplitMix64 random stream, used to derive an independent random sequence for each call from a seed and a call
/// index. It is a mutable struct: pass it by reference.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    private SplitMix64(ulong state) => _state = state;

    /// <summary>Makes the stream of call <paramref name="callIndex"/> under <paramref name="seed"/>; <paramref name="stream"/> separates users of the same seed.</summary>
    public static SplitMix64 ForCall(int seed, long callIndex, ulong stream) => new(Mix(Mix((ulong)(uint)seed ^ stream) + (ulong)callIndex));

    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns the next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns a uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Makes a <see cref="Random"/> seeded from this stream, for the rarer draws that need one (building a bad answer).</summary>
    public Random NextRandom()
    {
        var bits = NextUInt64();
        return new Random((int)(bits ^ (bits >> 32)));
    }
}
