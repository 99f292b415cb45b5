using CookieSession.Cluster.Instance;
using CookieSession.Cluster.Scenarios;

// Many servers under real operations (bench/cluster/run.sh):
//   instance --port P --redis HOST:PORT --name N     one server of the app, its key ring in Redis
//   scenario rotation|restart|keystore-down --duration S --redis-port P --out FILE
//            starts redis-server, the instances (this program again) and a YARP front door, runs the load
//            while the scenario's faults happen, appends its figures to FILE and exits 1 if an expectation failed.
System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;

return args switch
{
    ["instance", .. var rest] => await ClusterApp.RunAsync(InstanceSettings.Parse(rest)),
    ["scenario", var name, .. var rest] => await ScenarioRunner.RunAsync(name, ScenarioSettings.Parse(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: instance --port P --redis HOST:PORT --name N | scenario rotation|restart|keystore-down [--duration S] [--redis-port P] [--out FILE]");
    return 2;
}
