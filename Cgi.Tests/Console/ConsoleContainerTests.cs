using System.Collections.Concurrent;
using System.Diagnostics;
using System.Formats.Tar;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>What a router owner does with containers on the console page: create one from an
/// image (ports, environment, volumes, restart policy), kill, pause and unpause, rename, inspect,
/// its processes, live stats, its changes and export, prune, a file downloaded and one uploaded,
/// each pressed in the page and checked on the daemon's socket; the page's own tar writer read by
/// .NET's; and a read-only user's kill refused.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsoleContainerTests(DockerDaemon daemon, ConsoleBrowser browser) : ConsolePageTest(daemon, browser)
{
    private ILocator Field(string label) => Page.Locator("#containers").GetByLabel(label, new LocatorGetByLabelOptions { Exact = true });

    /// <summary>A field of the create form only (the panel's resources have a restart policy too).</summary>
    private ILocator CreateField(string label) => Page.Locator("#create").GetByLabel(label, new LocatorGetByLabelOptions { Exact = true });

    private ILocator RowIn(string name, string state) => Page.Locator($"#container-rows tr[data-name=\"{name}\"][data-state=\"{state}\"]");

    private async Task OpenCreateForm()
    {
        await Page.Locator("#create > summary").ClickAsync();
        await Field("Image").WaitForAsync();
    }

    private JsonElement Inspect(string name) => Objects.Json($"/containers/{name}/json");

    [Fact]
    public async Task Create_PortEnvVolumesRestartPolicy_DaemonHasThemAndItRuns()
    {
        string name = Objects.Container(DaemonObjects.Unique("mk"));
        string volume = Objects.Volume(DaemonObjects.Unique("vol"));
        string hostDir = Paths.TempDir("cbind");
        File.WriteAllText(Path.Combine(hostDir, "from-host.txt"), "on the router");
        int hostPort = 20_000 + Random.Shared.Next(30_000);
        try
        {
            await LogIn(RpcdLogin.Admin);
            await OpenCreateForm();
            await Field("Image").FillAsync(DockerDaemon.Image);
            await Field("Name").FillAsync(name);
            await Field("Command").FillAsync("sh -c 'echo \"$GREETING\"; sleep 600'");
            await Field("Ports").FillAsync($"{hostPort}:80/tcp, 127.0.0.1:{hostPort + 1}:53/udp");
            await Field("Environment").FillAsync("GREETING=hello, world\nEMPTY=\n");
            await Field("Volumes").FillAsync($"{volume}:/data\n{hostDir}:/from-host:ro");
            await CreateField("Restart policy").SelectOptionAsync("on-failure");
            await CreateField("Retries").FillAsync("3");
            Assert.True(await Field("Start after create").IsCheckedAsync());
            await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create", Exact = true }).ClickAsync();

            await NoticeShows($"Created {name} and started it.");
            await RowIn(name, "running").WaitForAsync();
            JsonElement c = Inspect(name);
            Assert.True(c.GetProperty("State").GetProperty("Running").GetBoolean(), Failure);
            JsonElement config = c.GetProperty("Config");
            Assert.Equal(["sh", "-c", "echo \"$GREETING\"; sleep 600"], config.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
            string[] env = [.. config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()!)];
            Assert.Contains("GREETING=hello, world", env);
            Assert.Contains("EMPTY=", env);
            Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("80/tcp", out _));
            Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("53/udp", out _));

            JsonElement host = c.GetProperty("HostConfig");
            JsonElement web = host.GetProperty("PortBindings").GetProperty("80/tcp")[0];
            Assert.Equal(hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture), web.GetProperty("HostPort").GetString());
            Assert.Equal("", web.GetProperty("HostIp").GetString());
            JsonElement dns = host.GetProperty("PortBindings").GetProperty("53/udp")[0];
            Assert.Equal("127.0.0.1", dns.GetProperty("HostIp").GetString());
            Assert.Equal((hostPort + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), dns.GetProperty("HostPort").GetString());
            Assert.Equal([$"{volume}:/data", $"{hostDir}:/from-host:ro"], host.GetProperty("Binds").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("on-failure", host.GetProperty("RestartPolicy").GetProperty("Name").GetString());
            Assert.Equal(3, host.GetProperty("RestartPolicy").GetProperty("MaximumRetryCount").GetInt32());

            // The binds are real: the named volume exists and the router's file shows inside, read-only.
            Assert.True(Objects.Exists($"/volumes/{volume}"));
            JsonElement[] mounts = [.. c.GetProperty("Mounts").EnumerateArray()];
            Assert.Contains(mounts, m => m.GetProperty("Destination").GetString() == "/from-host" && !m.GetProperty("RW").GetBoolean());
            Assert.Equal("on the router", Objects.Archive(name, "/from-host/from-host.txt").Text("from-host.txt"));
        }
        finally
        {
            Directory.Delete(hostDir, recursive: true);
        }
    }

    [Fact]
    public async Task Create_HostPortNotANumber_RefusedOnThePageAndNothingSent()
    {
        string name = Objects.Container(DaemonObjects.Unique("bad"));
        var sent = new ConcurrentQueue<string>();
        Page.Request += (_, r) => sent.Enqueue(r.Method + " " + r.Url);
        await LogIn(RpcdLogin.Admin);
        await OpenCreateForm();
        await Field("Image").FillAsync(DockerDaemon.Image);
        await Field("Name").FillAsync(name);
        await Field("Command").FillAsync("sleep 600");
        await Field("Ports").FillAsync("8080:80\n80a:80");
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create", Exact = true }).ClickAsync();

        await Page.Locator("#create-error", new PageLocatorOptions { HasTextString = "Port \"80a:80\": the host port \"80a\" is not a number from 1 to 65535." }).WaitForAsync();
        Assert.Equal("true", await Field("Ports").GetAttributeAsync("aria-invalid"));
        Assert.True(await Field("Ports").EvaluateAsync<bool>("e => e === document.activeElement"));
        Assert.DoesNotContain(sent, r => r.Contains("container/create", StringComparison.Ordinal));
        Assert.False(Objects.Exists($"/containers/{name}/json"));

        // Put right, the same form goes through.
        await Field("Ports").FillAsync("8080:80");
        Assert.Null(await Field("Ports").GetAttributeAsync("aria-invalid"));
        await Field("Start after create").UncheckAsync();
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create", Exact = true }).ClickAsync();
        await NoticeShows($"Created {name}.");
        Assert.Equal("created", Inspect(name).GetProperty("State").GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Create_ImageMissingOrNoCommand_TheDaemonsMessageShown()
    {
        string name = Objects.Container(DaemonObjects.Unique("noimg"));
        await LogIn(RpcdLogin.Admin);
        await OpenCreateForm();
        await Field("Image").FillAsync("no-such-image-here:1");
        await Field("Name").FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create", Exact = true }).ClickAsync();

        await Page.Locator("#create-error", new PageLocatorOptions { HasTextString = "No such image: no-such-image-here:1" }).WaitForAsync();
        Assert.False(Objects.Exists($"/containers/{name}/json"));

        // The test image names no command of its own: the daemon says so when none is given.
        await Field("Image").FillAsync(DockerDaemon.Image);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create", Exact = true }).ClickAsync();
        await Page.Locator("#create-error", new PageLocatorOptions { HasTextString = "No command specified" }).WaitForAsync();
        Assert.False(Objects.Exists($"/containers/{name}/json"));
    }

    [Fact]
    public async Task Kill_Running_EndedBySigkill()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Admin);
        await More(name);

        Assert.Equal("SIGKILL", await Field("Signal").InputValueAsync());
        await Control("Kill", name).ClickAsync();

        await RowIn(name, "exited").WaitForAsync();
        JsonElement state = Inspect(name).GetProperty("State");
        Assert.False(state.GetProperty("Running").GetBoolean(), Failure);
        Assert.Equal(137, state.GetProperty("ExitCode").GetInt32()); // 128 + SIGKILL: not a stop's SIGTERM
        await NoticeShows($"{name} killed.");
    }

    [Fact]
    public async Task PauseThenUnpause_PressingTheControls_DaemonStateChanges()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Admin);

        await Control("Pause", name).ClickAsync();
        await RowIn(name, "paused").WaitForAsync();
        Assert.True(Inspect(name).GetProperty("State").GetProperty("Paused").GetBoolean(), Failure);
        Assert.Equal(0, await Control("Pause", name).CountAsync());

        await Control("Unpause", name).ClickAsync();
        await RowIn(name, "running").WaitForAsync();
        JsonElement state = Inspect(name).GetProperty("State");
        Assert.False(state.GetProperty("Paused").GetBoolean(), Failure);
        Assert.True(state.GetProperty("Running").GetBoolean());
        Assert.Equal(0, await Control("Unpause", name).CountAsync());
    }

    [Fact]
    public async Task Rename_NewNameInThePanel_DaemonKnowsItByTheNewName()
    {
        string name = SleepingContainer();
        string id = Inspect(name).GetProperty("Id").GetString()!;
        string renamed = Objects.Container(DaemonObjects.Unique("renamed"));
        await LogIn(RpcdLogin.Admin);
        await More(name);

        await Field("New name").FillAsync(renamed);
        await Control("Rename", name).ClickAsync();

        await Row(renamed).WaitForAsync();
        Assert.Equal($"/{renamed}", Objects.Json($"/containers/{renamed}/json").GetProperty("Name").GetString());
        Assert.Equal(id, Objects.Json($"/containers/{renamed}/json").GetProperty("Id").GetString());
        Assert.False(Objects.Exists($"/containers/{name}/json"));
        Assert.Equal(0, await Row(name).CountAsync());
        // The panel follows: its title and controls carry the new name.
        await Page.Locator("#panel-title", new PageLocatorOptions { HasTextString = renamed }).WaitForAsync();
        await Control("Kill", renamed).WaitForAsync();
    }

    [Fact]
    public async Task Inspect_InThePanel_DetailsShowTheContainersId()
    {
        string name = SleepingContainer();
        string id = Inspect(name).GetProperty("Id").GetString()!;
        await LogIn(RpcdLogin.Admin);
        await More(name);

        await Control("Inspect", name).ClickAsync();

        await DetailsShow(id);
        Assert.Equal($"Inspect of {name}", await Page.Locator("#details-title").TextContentAsync());
        JsonElement shown = JsonDocument.Parse(await Page.Locator("#details-body").TextContentAsync() ?? "").RootElement;
        Assert.Equal(id, shown.GetProperty("Id").GetString());
    }

    [Fact]
    public async Task Processes_InThePanel_TableShowsTheContainersProcess()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Admin);
        await More(name);

        await Control("Processes", name).ClickAsync();

        ILocator sleep = Page.Locator("#top-rows tr", new PageLocatorOptions
        {
            Has = Page.Locator("td", new PageLocatorOptions { HasTextRegex = new Regex("^sleep 600$") }),
        });
        await sleep.WaitForAsync();
        string[] titles = [.. await Page.Locator("#top-head th").AllTextContentsAsync()];
        Assert.Contains("PID", titles);
        Assert.Contains("CMD", titles);
        // The PID column of that row is the daemon's own figure for that process.
        string pid = await sleep.Locator("td").Nth(Array.IndexOf(titles, "PID")).TextContentAsync() ?? "";
        JsonElement top = Objects.Json($"/containers/{name}/top");
        int pidAt = top.GetProperty("Titles").EnumerateArray().Select(t => t.GetString()).ToList().IndexOf("PID");
        Assert.Contains(top.GetProperty("Processes").EnumerateArray(), p => p[pidAt].GetString() == pid);
        Assert.StartsWith($"Processes of {name} (", await Page.Locator("#top-title").TextContentAsync() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_Running_MemoryFigureUpdatesAndTheStreamEndsWithThePanelAndTheView()
    {
        string name = DaemonObjects.Unique("stat");
        // Its memory grows all the time (files in /dev/shm, a tmpfs, count in its memory cgroup).
        Objects.CreateContainer(name,
            ["sh", "-c", "i=0; while true; do i=$((i+1)); dd if=/dev/zero of=/dev/shm/f$i bs=64k count=4 2>/dev/null; sleep 0.5; done"],
            start: true);
        var streams = new ConcurrentDictionary<IRequest, bool>(); // a stats request → whether it has ended
        Page.Request += (_, r) => { if (r.Url.Contains("/container/stats/", StringComparison.Ordinal)) { streams[r] = false; } };
        Page.RequestFinished += (_, r) => { if (streams.ContainsKey(r)) { streams[r] = true; } };
        Page.RequestFailed += (_, r) => { if (streams.ContainsKey(r)) { streams[r] = true; } };
        await LogIn(RpcdLogin.Admin);
        await More(name);

        await Control("Stats", name).ClickAsync();

        var seen = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        while (seen.Count < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"memory figures seen: {string.Join(", ", seen)}");
            if (await Page.Locator("#stats-memory").GetAttributeAsync("data-bytes") is { } bytes)
            {
                seen.Add(bytes);
            }

            await Task.Delay(100);
        }

        Assert.True(int.Parse(await Page.Locator("#stats").GetAttributeAsync("data-updates") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 2);
        Assert.Matches(@"^\d+(\.\d)? [kMG]?B of \d+(\.\d)? [kMGT]?B \(\d+\.\d %\)$", await Page.Locator("#stats-memory").TextContentAsync() ?? "");
        Assert.Matches(@"^\d+\.\d %$", await Page.Locator("#stats-cpu").TextContentAsync() ?? "");
        Assert.Equal($"Live stats of {name}", await Page.Locator("#stats-title").TextContentAsync());
        Assert.Single(streams);
        await Control("Stop stats", name).WaitForAsync();

        // Closing the panel ends the stream.
        await Page.Locator("#panel-close").ClickAsync();
        await Page.Locator("#stats").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
        DaemonObjects.WaitFor(() => streams.Values.All(ended => ended), "the stats stream to end with the panel", 10);

        // So does leaving the view.
        await More(name);
        await Control("Stats", name).ClickAsync();
        DaemonObjects.WaitFor(() => streams.Count == 2, "a second stats stream", 10);
        await Page.Locator("#stats-memory[data-bytes]").WaitForAsync();
        await Open("Images");
        DaemonObjects.WaitFor(() => streams.Values.All(ended => ended), "the stats stream to end with the view", 10);
        Assert.Equal(2, streams.Count);
    }

    [Fact]
    public async Task Stats_StreamEndsAtTheDeadline_ThePageAsksAgainAndFiguresGoOn()
    {
        Bus.WriteDockermanConfig("\toption stream_deadline '2'");
        string name = SleepingContainer();
        var streams = new ConcurrentQueue<IRequest>();
        Page.Request += (_, r) => { if (r.Url.Contains("/container/stats/", StringComparison.Ordinal)) { streams.Enqueue(r); } };
        await LogIn(RpcdLogin.Admin);
        await More(name);

        await Control("Stats", name).ClickAsync();

        // Each stream holds about two samples; ten updates take several streams, one after the other.
        await Page.Locator("#stats[data-updates=\"10\"]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.InRange(streams.Count, 3, 10);
        Assert.False(await Page.Locator("#stats").IsHiddenAsync());
        Assert.False(await Page.Locator("#notice.error").IsVisibleAsync());
    }

    [Fact]
    public async Task Download_PathInTheContainer_TheLinkGivesATarWithTheFile()
    {
        string name = SleepingContainer();
        string content = "downloaded through the page\n" + new string('x', 700);
        PutFile(name, "/tmp", "note.txt", content);
        await LogIn(RpcdLogin.Admin);
        await More(name);

        await Field("Download from the container (a tar archive)").FillAsync("/tmp/note.txt");
        await Page.Locator("#download-stat", new PageLocatorOptions { HasTextString = "A file of 728 B." }).WaitForAsync();
        ILocator link = Page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = $"Download from {name}", Exact = true });
        IDownload download = await Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());

        Assert.Equal("note.txt.tar", download.SuggestedFilename);
        byte[] tar = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(content, Tars.Read(tar).Text("note.txt"));
        // The same link fetched with the page's own request context.
        string href = await link.GetAttributeAsync("href") ?? "";
        IAPIResponse fetched = await Page.APIRequest.GetAsync(href);
        Assert.Equal(200, fetched.Status);
        Assert.Equal(content, Tars.Read(await fetched.BodyAsync()).Text("note.txt"));

        // A path with nothing there: said so, and no link to follow.
        await Field("Download from the container (a tar archive)").FillAsync("/tmp/nothing-here");
        await Page.Locator("#download-stat", new PageLocatorOptions { HasTextString = $"{name} has nothing at /tmp/nothing-here." }).WaitForAsync();
        Assert.Null(await Page.Locator("#download-link").GetAttributeAsync("href"));
        Assert.Equal("true", await Page.Locator("#download-link").GetAttributeAsync("aria-disabled"));
    }

    [Fact]
    public async Task ChangesAndExport_InThePanel_WhatTheContainerWroteAndItsWholeFilesystem()
    {
        string name = SleepingContainer();
        PutFile(name, "/tmp", "made-here.txt", "written after the start\n");
        await LogIn(RpcdLogin.Admin);
        await More(name);

        await Control("Changes", name).ClickAsync();
        await DetailsShow("A /tmp/made-here.txt");
        Assert.Equal($"Changes in {name}", await Page.Locator("#details-title").TextContentAsync());

        ILocator link = Page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = $"Export {name}", Exact = true });
        IDownload download = await Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        string id = Inspect(name).GetProperty("Id").GetString()!;
        Assert.Equal($"{id}.tar", download.SuggestedFilename);
        Dictionary<string, byte[]> files = Tars.Read(await File.ReadAllBytesAsync(await download.PathAsync()));
        Assert.Equal("written after the start\n", files.Text("tmp/made-here.txt"));
        Assert.True(files.ContainsKey("bin/busybox"), string.Join(", ", files.Keys.Take(20)));
    }

    [Fact]
    public async Task Prune_Confirmed_StoppedContainersGoneRunningOneStays()
    {
        string running = SleepingContainer();
        string stopped = DaemonObjects.Unique("stp");
        Objects.CreateContainer(stopped, ["true"]);
        await LogIn(RpcdLogin.Admin);
        await Row(stopped).WaitForAsync();

        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Prune stopped", Exact = true }).ClickAsync();

        await NoticeShows("removed,");
        Assert.False(Objects.Exists($"/containers/{stopped}/json"), Failure);
        Assert.True(Running(running));
        await Row(stopped).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
    }

    [Fact]
    public async Task Upload_FileThroughTheInput_DaemonHasItInTheDirectory()
    {
        string name = SleepingContainer();
        // Not a multiple of 512 bytes, and not only ASCII: the archive's padding and sizes in bytes.
        byte[] content = Encoding.UTF8.GetBytes("uploaded through the page: grüße\n" + new string('u', 1000));
        await LogIn(RpcdLogin.Admin);
        await More(name);

        await Field("Upload a file into the container").SetInputFilesAsync(new FilePayload
        {
            Name = "hello.txt",
            MimeType = "text/plain",
            Buffer = content,
        });
        await Field("Into the directory").FillAsync("/tmp");
        await Control("Upload to", name).ClickAsync();

        await NoticeShows($"hello.txt uploaded to {name} in /tmp.");
        Dictionary<string, byte[]> back = Objects.Archive(name, "/tmp/hello.txt");
        Assert.Equal(content, back["hello.txt"]);

        // A directory the container lacks: the daemon's refusal on screen.
        await Field("Upload a file into the container").SetInputFilesAsync(new FilePayload
        {
            Name = "again.txt",
            MimeType = "text/plain",
            Buffer = content,
        });
        await Field("Into the directory").FillAsync("/no/such/dir");
        await Control("Upload to", name).ClickAsync();
        await Page.Locator("#notice.error").WaitForAsync();
        Assert.Contains("/no/such/dir", await Page.Locator("#notice").TextContentAsync() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ustar_WrittenByThePage_ReadByDotnetWithValidHeaders()
    {
        await Page.GotoAsync(PageUrl);
        (string Name, int Size)[] files = [("empty", 0), ("one", 1), ("just-under", 511), ("block", 512), ("over", 513),
            ("grüße.txt", 1000), (new string('n', 100), 3)];
        foreach ((string fileName, int size) in files)
        {
            string base64 = await Page.EvaluateAsync<string>(
                """
                async ([name, size]) => {
                  const data = new Uint8Array(size).map((_, i) => i % 251);
                  const file = new File([data], name, { lastModified: 1700000000000 });
                  const bytes = new Uint8Array(await DM.ustar(file).arrayBuffer());
                  let s = '';
                  for (const b of bytes) s += String.fromCharCode(b);
                  return btoa(s);
                }
                """, new object[] { fileName, size });
            byte[] tar = Convert.FromBase64String(base64);

            Assert.Equal(512 + ((size + 511) / 512 * 512) + 1024, tar.Length);
            Assert.All(tar[^1024..], b => Assert.Equal(0, b));
            // The checksum: the header's bytes summed with its own field as eight spaces, six octal digits, NUL, space.
            byte[] header = tar[..512];
            int sum = header.Select((b, i) => i is >= 148 and < 156 ? 0x20 : b).Sum();
            Assert.Equal(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", Encoding.ASCII.GetString(header, 148, 8));
            Assert.Equal("ustar\0" + "00", Encoding.ASCII.GetString(header, 257, 8));
            Assert.Equal(Convert.ToString(size, 8).PadLeft(11, '0') + "\0", Encoding.ASCII.GetString(header, 124, 12));

            using var reader = new TarReader(new MemoryStream(tar));
            TarEntry entry = reader.GetNextEntry() ?? throw new Xunit.Sdk.XunitException($"{fileName}: no entry");
            Assert.Equal(TarEntryFormat.Ustar, entry.Format);
            Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
            Assert.Equal(fileName, entry.Name);
            Assert.Equal(size, entry.Length);
            Assert.Equal((UnixFileMode)0b110_100_100, entry.Mode);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), entry.ModificationTime);
            var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            Assert.Equal(Enumerable.Range(0, size).Select(i => (byte)(i % 251)), data.ToArray());
            Assert.Null(reader.GetNextEntry());
        }

        // A name over the 100 bytes of the name field is refused, not cut.
        string refused = await Page.EvaluateAsync<string>(
            "() => { try { DM.ustar(new File(['x'], 'ü'.repeat(51))); return 'written'; } catch (e) { return e.message; } }");
        Assert.Contains("1 to 100 bytes", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormParsers_TheShapesOwnersWrite_AsTheDaemonTakesThem()
    {
        await Page.GotoAsync(PageUrl);
        string ports = await Page.EvaluateAsync<string>(
            "() => JSON.stringify(DM.containerForm.ports('8080:80, 8443:443/TCP\\n[::1]:5353:53/udp 127.0.0.1::9000 7000 8081:80'))");
        Assert.Equal(
            """{"exposed":{"80/tcp":{},"443/tcp":{},"53/udp":{},"9000/tcp":{},"7000/tcp":{}},"bindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"},{"HostIp":"","HostPort":"8081"}],"443/tcp":[{"HostIp":"","HostPort":"8443"}],"53/udp":[{"HostIp":"::1","HostPort":"5353"}],"9000/tcp":[{"HostIp":"127.0.0.1","HostPort":""}],"7000/tcp":[{"HostIp":"","HostPort":""}]}}""",
            ports);
        Assert.Equal("""["sh","-c","echo \"a b\"; it's",""]""", await Page.EvaluateAsync<string>(
            """() => JSON.stringify(DM.containerForm.words(`sh -c "echo \\"a b\\"; it's" ''`))"""));
        Assert.Equal("""["A=1","B=x = y","C="]""", await Page.EvaluateAsync<string>(
            "() => JSON.stringify(DM.containerForm.environment('A=1\\r\\n\\nB=x = y\\nC='))"));

        (string Call, string Message)[] refusals =
        [
            ("ports('70000:80')", "the host port \"70000\" is not a number from 1 to 65535"),
            ("ports('8080:0')", "the container port \"0\" is not a number from 1 to 65535"),
            ("ports('80/icmp')", "the protocol must be tcp, udp or sctp"),
            ("ports('300.1.1.1:80:80')", "\"300.1.1.1\" is not an IP address"),
            ("ports('8000-8010:8000-8010')", "is not a number from 1 to 65535"),
            ("environment('JUST_A_NAME')", "line 1: \"JUST_A_NAME\" is not KEY=value"),
            ("environment('A B=1')", "is not KEY=value"),
            ("volumes('data')", "write source:/path/in/container"),
            ("volumes('data:relative')", "the path in the container must start with /"),
            ("volumes('-x:/data')", "the source is a volume name"),
            ("volumes('data:/data:rx')", "the mode after the path is ro or rw"),
            ("words('echo \"open')", "a \" is not closed"),
        ];
        foreach ((string call, string message) in refusals)
        {
            string said = await Page.EvaluateAsync<string>(
                $"() => {{ try {{ DM.containerForm.{call}; return 'taken'; }} catch (e) {{ return e.message; }} }}");
            Assert.True(said.Contains(message, StringComparison.Ordinal), $"{call}: {said}");
        }
    }

    [Fact]
    public async Task Kill_ReadOnlyUser_RefusedWithTheMessageAndStillRunning()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Viewer);
        await More(name);

        await Control("Kill", name).ClickAsync();

        await NoticeShows("no write access to luci-app-dockerman");
        Assert.True(Running(name), Failure);
        Assert.Equal("running", await Row(name).GetAttributeAsync("data-state"));
        Assert.True(await Page.Locator("#container-panel").IsVisibleAsync()); // still logged in, the panel still open
    }

    /// <summary>A file put into the container straight through the daemon's socket.</summary>
    private void PutFile(string container, string dir, string fileName, string content)
    {
        using var body = new ByteArrayContent(Tars.Build((fileName, content)));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using HttpResponseMessage r = Objects.Daemon.Client.PutAsync($"/containers/{container}/archive?path={Uri.EscapeDataString(dir)}", body).Result;
        Assert.True(r.IsSuccessStatusCode, $"put {fileName}: {(int)r.StatusCode}");
    }
}
