using System.Runtime.Versioning;

// The tests run published Linux binaries, chroot and a Linux dockerd: Linux only.
[assembly: SupportedOSPlatform("linux")]
