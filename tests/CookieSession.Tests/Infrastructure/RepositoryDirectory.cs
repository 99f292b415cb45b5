namespace CookieSession.Tests.Infrastructure;

/// <summary>A directory of this repository (tests/interop...), found above the test assembly wherever it was built.</summary>
internal static class RepositoryDirectory
{
    /// <summary>The full path of the directory at <paramref name="relativePath"/> from the repository's root.</summary>
    /// <param name="relativePath">Its parts, from the root down: <c>"tests", "interop", "rails"</c>.</param>
    public static string Find(params string[] relativePath)
    {
        var relative = Path.Combine(relativePath);
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
