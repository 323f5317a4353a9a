using System.ComponentModel.DataAnnotations;

namespace Nines.Agents.Patterns;

/// <summary>The planner's reply in an orchestration: the subtasks the task splits into.</summary>
/// <typeparam name="TSubtask">The subtask type; its JSON schema is part of the planner's contract.</typeparam>
public sealed class SubtaskPlan<TSubtask>
{
    /// <summary>The subtasks, in the order the workers are started.</summary>
    [Required]
    public List<TSubtask> Subtasks { get; set; } = [];
}
