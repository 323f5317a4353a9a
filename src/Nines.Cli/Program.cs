using Nines.Cli;

return await NinesCommandLine.InvokeAsync(args, CliConsole.CreateSystem(), handleProcessTermination: true).ConfigureAwait(false);
