namespace Nines.Workflows;

/// <summary>What kind of context call a journal entry records; replay checks it against the code.</summary>
public enum StepKind
{
    /// <summary>A journaled step: <c>WorkflowContext.StepAsync</c>.</summary>
    Step,

    /// <summary>A two-phase effect with an idempotency key.</summary>
    Effect,

    /// <summary>A durable timer.</summary>
    Sleep,

    /// <summary>A wait for a named signal.</summary>
    Signal,

    /// <summary>A journaled read of the clock.</summary>
    Now,

    /// <summary>A journaled random seed.</summary>
    Random,

    /// <summary>A journaled new GUID.</summary>
    Guid,

    /// <summary>A child workflow run.</summary>
    Child,

    /// <summary>A fan-out over items; each item is journaled as a <see cref="MapItem"/>.</summary>
    Map,

    /// <summary>One item of a <see cref="Map"/>.</summary>
    MapItem,
}
