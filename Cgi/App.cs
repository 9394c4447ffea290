using System.Text;
using Dockerman.Hosting;
using Dockerman.Relay;
using Dockerman.Routing;
using Dockerman.Usage;

namespace Dockerman;

/// <summary>The program: one switch over what it was asked to do.</summary>
internal static class App
{
    public static int Run(string[] args, ProcessEnv env)
    {
        if (Rpc.RpcMethods.ObjectNamed(Path.GetFileName(env.ProgramName)) is string rpcObject)
        {
            return Rpc.RpcPlugin.Run(rpcObject, args, env);
        }

        switch (args.Length == 0 ? null : args[0])
        {
            case null:
                return new RequestHandler(env).Run();
            case "--help" or "-h":
                return WriteText(env, HelpText.Text());
            case "--routes":
                return WriteText(env, RouteListing.Text());
            case "--limits":
                return WriteText(env, LimitListing.Limits());
            case "--exit-codes":
                return WriteText(env, LimitListing.ExitCodes());
            case "--run-job" when args.Length == 2:
                return Jobs.JobWorker.Run(env, args[1]);
            case "--version":
                return WriteText(env, $"dockerman {BuildInfo.Version}\n");
            case "--page-endpoints":
                return WriteText(env, PageEndpoints());
            default:
                env.Stderr.WriteLine($"dockerman: unknown argument '{args[0]}'; try --help");
                return ExitCodes.Usage;
        }
    }

    private static int WriteText(ProcessEnv env, string text)
    {
        try
        {
            env.Stdout.Write(Encoding.UTF8.GetBytes(text));
            return ExitCodes.Success;
        }
        catch (IOException)
        {
            return ExitCodes.ClientGone; // the reader went away: dockerman --help | head -1
        }
    }

    /// <summary>The LuCI pages' endpoints, one a line: what the package's scripts make uhttpd aliases for.</summary>
    internal static string PageEndpoints()
    {
        var sb = new StringBuilder();
        foreach ((string page, string _, Verbs _) in RouteTable.Pages)
        {
            sb.Append(page).Append('\n');
        }

        return sb.ToString();
    }
}
