using Nines.CommandLine;
using Nines.Samples.EvalSuiteSample;

// The whole nines command line, with this app's suites beside the built-in ones:
//   dotnet run --project samples/EvalSuiteSample -- eval capitals --trials 200
return await NinesCli.RunAsync(args, CapitalsSuite.Definition);
