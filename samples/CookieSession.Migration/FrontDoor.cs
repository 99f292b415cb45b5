using Yarp.ReverseProxy.Configuration;

namespace CookieSession.Migration;

/// <summary>
/// The front door: one origin, a YARP reverse proxy that sends the pages already moved to .NET (<c>/account</c>
/// and below) to the ASP.NET Core app and everything else to the old app (Node, Rails, Flask or Django), as a
/// strangler-fig migration does. Because both apps answer on one origin and the session cookie's path is <c>/</c>,
/// the browser sends the same session cookie to both.
/// </summary>
internal static class FrontDoor
{
    public const string DotNetRoute = "/account/{**rest}";
    public const string OldAppRoute = "/{**rest}";

    public static WebApplication Build(WebApplicationBuilder builder, Uri dotNet, Uri oldApp)
    {
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                Route("dotnet", DotNetRoute, order: 1),
                Route("old", OldAppRoute, order: 2),
            ],
            [
                Cluster("dotnet", dotNet),
                Cluster("old", oldApp),
            ]);

        var app = builder.Build();
        app.MapReverseProxy();
        return app;
    }

    // Each app sees the front door's Host (as behind any reverse proxy that keeps it, so the links and redirects it
    // makes point at the front door) and YARP's X-Forwarded-For, -Proto, -Host and -Prefix, which both trust from
    // loopback only.
    private static RouteConfig Route(string cluster, string path, int order) => new()
    {
        RouteId = cluster,
        ClusterId = cluster,
        Order = order,
        Match = new RouteMatch { Path = path },
        Transforms = [new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" }],
    };

    private static ClusterConfig Cluster(string id, Uri address) => new()
    {
        ClusterId = id,
        Destinations = new Dictionary<string, DestinationConfig> { [id] = new() { Address = address.ToString() } },
    };
}
