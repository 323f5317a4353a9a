using Nines.Workflows.Storage;

namespace Nines.Tests.Workflows.Storage;

public sealed class DelegatingWorkflowStoreTests
{
    [Fact]
    public async Task Wrapper_OverridesOneCall_EverythingElseReachesTheInnerStore()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("nines-delegating-").FullName, "nines.db");
        var inner = new SqliteWorkflowStore(path);
        var counting = new CountingSaves(inner);
        await using (counting)
        {
            await counting.InitializeAsync();
            var now = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
            await counting.CreateRunAsync(new NewWorkflowRun { RunId = "r1", Workflow = "w", Version = 1, CreatedAt = now });
            var claim = Assert.Single(await counting.ClaimRunsAsync(new WorkflowClaimRequest { WorkerId = "a", MaxRuns = 1, LeaseDuration = TimeSpan.FromMinutes(1), Now = now, Registrations = [new("w", 1)] }));
            await counting.SaveStepsAsync(claim.Lease, [new WorkflowStep { RunId = "r1", Position = 0, Name = "s", Kind = Nines.Workflows.StepKind.Step, Status = Nines.Workflows.StepStatus.Completed, StartedAt = now }]);

            Assert.Equal(1, counting.Saves);
            Assert.Equal(inner.Description, counting.Description);
            Assert.Single(await inner.GetStepsAsync("r1"));
        }

        // Owning the inner store by default, the wrapper disposed it: the inner store refuses further use.
        await Assert.ThrowsAnyAsync<Exception>(() => inner.GetRunAsync("r1"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    private sealed class CountingSaves(IWorkflowStore inner) : DelegatingWorkflowStore(inner)
    {
        public int Saves { get; private set; }

        public override Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default)
        {
            Saves++;
            return base.SaveStepsAsync(lease, steps, cancellationToken);
        }
    }
}
