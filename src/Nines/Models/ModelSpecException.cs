namespace Nines.Models;

/// <summary>A model spec could not be turned into a client: it is malformed, names an unknown scheme, or lacks configuration such as an API key.</summary>
public sealed class ModelSpecException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelSpecException()
    {
    }

    /// <summary>Creates the exception with a message that says what was wrong and what to do.</summary>
    /// <param name="message">The message.</param>
    public ModelSpecException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="inner">The cause.</param>
    public ModelSpecException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
