using Dockerman.Tests.Packaging.Apk;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging;

/// <summary>The router-like chroot of <see cref="RouterEndToEndTests"/>, unpacked from the x86_64 .apk (OpenWrt 25.12) by the project's reader.</summary>
[Collection(DaemonCollection.Name)]
public sealed class RouterEndToEndFromApkTests(DockerDaemon daemon)
    : RouterEndToEndTests(daemon, root => ApkPackage.Read(ApkPackage.PathFor("x86_64")).Extract(root));
