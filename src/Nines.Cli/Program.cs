using Nines.CommandLine;

return await NinesCli.RunAsync(args).ConfigureAwait(false);
