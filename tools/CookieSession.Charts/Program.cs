using CookieSession.Charts;

// Draws docs/images from the committed results in bench/results: no benchmark is run.
//   dotnet run --project tools/CookieSession.Charts [-- RESULTS_FOLDER IMAGES_FOLDER]
// With no arguments the folders are those of the repository the program is run in.
if (args.Length is not (0 or 2))
{
    Console.Error.WriteLine("usage: CookieSession.Charts [RESULTS_FOLDER IMAGES_FOLDER]");
    return 2;
}

var root = args.Length == 2 ? null : FindRepositoryRoot();
var results = args.Length == 2 ? args[0] : Path.Combine(root!, "bench", "results");
var images = args.Length == 2 ? args[1] : Path.Combine(root!, "docs", "images");
Directory.CreateDirectory(images);

var load = LoadResults.Read(Path.Combine(results, "load.md"));
Charts.DrawThroughput(load, Path.Combine(images, Charts.Throughput));
Console.WriteLine($"{Path.Combine(images, Charts.Throughput)}: {load.Targets.Count} targets");
foreach (var missing in load.Missing)
{
    Console.WriteLine($"  load.md's newest run has no rows for {missing}: not drawn");
}

var cost = CostResults.Read(Path.Combine(results, "benchmarks.md"));
Charts.DrawCost(cost, Path.Combine(images, Charts.Cost));
Console.WriteLine($"{Path.Combine(images, Charts.Cost)}: {cost.Formats.Count} formats");

var soak = SoakResults.Read(Path.Combine(results, "soak.md"));
Charts.DrawSoak(soak, Path.Combine(images, Charts.Soak));
Console.WriteLine($"{Path.Combine(images, Charts.Soak)}: {soak.Runs.Sum(r => r.Seconds.Count)} samples in {soak.Runs.Count} runs");
return 0;

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "CookieSession.slnx")))
        {
            return directory.FullName;
        }
    }

    throw new DirectoryNotFoundException("CookieSession.slnx: run from inside the repository, or pass RESULTS_FOLDER IMAGES_FOLDER.");
}
