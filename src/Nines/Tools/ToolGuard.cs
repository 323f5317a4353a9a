namespace Nines.Tools;

/// <summary>Enforces <see cref="ToolPolicyOptions"/> on tools: build one per application, start a <see cref="ToolSession"/> per agent run.</summary>
/// <remarks>
/// Thread-safe. Rate limits are shared by every session of the guard; taint belongs to one session.
/// The guarded tools are ordinary <c>AIFunction</c>s, so any loop that calls them (including
/// <c>FunctionInvokingChatClient</c>) enforces the policy.
/// </remarks>
public sealed class ToolGuard
{
    private readonly Dictionary<string, ToolPolicy> _tools;
    private readonly Dictionary<string, Queue<DateTimeOffset>> _calls = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Initializes a new instance of the <see cref="ToolGuard"/> class.</summary>
    /// <param name="options">The options; validated here, all problems reported in one exception.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ToolGuard(ToolPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.TimeProvider is null)
        {
            problems.Add("TimeProvider is null; leave it at TimeProvider.System or pass a fake.");
        }

        foreach (var (name, policy) in options.Tools)
        {
            Validate(name, policy, problems);
        }

        if (options.DefaultPolicy is { } fallback)
        {
            Validate("(default)", fallback, problems);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("ToolPolicyOptions are invalid: " + string.Join(" ", problems), nameof(options));
        }

        _tools = new Dictionary<string, ToolPolicy>(options.Tools, StringComparer.Ordinal);
        DefaultPolicy = options.DefaultPolicy;
        RuleOfTwo = options.RuleOfTwo;
        Approver = options.Approver;
        AuditSink = options.AuditSink;
        ValidateArguments = options.ValidateArguments;
        TimeProvider = options.TimeProvider!;
    }

    internal ToolPolicy? DefaultPolicy { get; }

    internal RuleOfTwoAction RuleOfTwo { get; }

    internal IToolApprover? Approver { get; }

    internal IToolAuditSink? AuditSink { get; }

    internal bool ValidateArguments { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>Starts a session: the unit of taint tracking, normally one agent run.</summary>
    /// <param name="principal">Who the session acts for, recorded in every audit record.</param>
    /// <param name="sessionId">The session's id; <see langword="null"/> creates a new one.</param>
    /// <returns>The session.</returns>
    public ToolSession StartSession(string? principal = null, string? sessionId = null) =>
        // A GUID here is an identifier, not a source of behaviour, so it does not break repeatability.
        new(this, sessionId ?? Guid.NewGuid().ToString("n"), principal);

    internal ToolPolicy? FindPolicy(string toolName) =>
        _tools.TryGetValue(toolName, out var policy) ? policy : DefaultPolicy;

    /// <summary>Takes a permit if the window has room; returns when the next permit frees up otherwise.</summary>
    internal TimeSpan? TryAcquire(string toolName, ToolRateLimit limit)
    {
        var now = TimeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!_calls.TryGetValue(toolName, out var calls))
            {
                calls = new Queue<DateTimeOffset>();
                _calls[toolName] = calls;
            }

            while (calls.Count > 0 && now - calls.Peek() >= limit.Window)
            {
                calls.Dequeue();
            }

            if (calls.Count >= limit.PermitLimit)
            {
                return calls.Peek() + limit.Window - now;
            }

            calls.Enqueue(now);
            return null;
        }
    }

    private static void Validate(string name, ToolPolicy? policy, List<string> problems)
    {
        if (policy is null)
        {
            problems.Add($"The policy for '{name}' is null; remove the entry or give it a ToolPolicy.");
            return;
        }

        if (policy.RateLimit is { } limit && (limit.PermitLimit <= 0 || limit.Window <= TimeSpan.Zero))
        {
            problems.Add($"The rate limit for '{name}' is {limit.PermitLimit} per {limit.Window}; both must be positive.");
        }

        if (policy.Rules.Any(r => r is null))
        {
            problems.Add($"The policy for '{name}' has a null rule.");
        }
    }
}
