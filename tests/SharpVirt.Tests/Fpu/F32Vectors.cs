namespace SharpVirt.Tests.Fpu;

/// <summary>Reference vectors for the F extension (binary32), including fcvt.d.s.</summary>
/// <remarks>Recorded with qemu-riscv64 (fsrm + fflags around each instruction). Line format:
/// <c>mnemonic a b c result:fflags...</c> in hex, unused operands 0, with one result per rounding
/// mode in RoundingMode order (RNE, RTZ, RDN, RUP, RMM) or a single one if the mode is irrelevant.</remarks>
internal static class F32Vectors
{
    public const string Data = """
        fadd.s 44377a3d 442e1f27 0 44b2ccb2:0 44b2ccb2:0 44b2ccb2:0 44b2ccb2:0 44b2ccb2:0
        fadd.s 51da58e a730bf05 0 a730bf05:1 a730bf04:1 a730bf05:1 a730bf04:1 a730bf05:1
        fadd.s e83ed2e7 7e80057d 0 7e80057d:1 7e80057c:1 7e80057c:1 7e80057d:1 7e80057d:1
        fadd.s f20428f0 720428ef 0 e6800000:0 e6800000:0 e6800000:0 e6800000:0 e6800000:0
        fadd.s 3b490eff f9a40000 0 f9a40000:1 f9a3ffff:1 f9a40000:1 f9a3ffff:1 f9a40000:1
        fadd.s c863c49b 7f800000 0 7f800000:0 7f800000:0 7f800000:0 7f800000:0 7f800000:0
        fadd.s bfc60000 b9dfffff 0 bfc60e00:1 bfc60dff:1 bfc60e00:1 bfc60dff:1 bfc60e00:1
        fadd.s da3c0cd9 da000a44 0 da9e0b8e:1 da9e0b8e:1 da9e0b8f:1 da9e0b8e:1 da9e0b8f:1
        fadd.s 800000 597800 0 d97800:0 d97800:0 d97800:0 d97800:0 d97800:0
        fadd.s bc7a0c00 ff800000 0 ff800000:0 ff800000:0 ff800000:0 ff800000:0 ff800000:0
        fadd.s c0800000 c0a1c89a 0 c110e44d:0 c110e44d:0 c110e44d:0 c110e44d:0 c110e44d:0
        fadd.s ffa3ec91 7fa3ec91 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fadd.s ffc00000 f1ffffff 0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0
        fadd.s 8ff15185 ff15185 0 0:0 0:0 80000000:0 0:0 0:0
        fadd.s 7f000000 7f696580 0 7f800000:5 7f7fffff:5 7f7fffff:5 7f800000:5 7f800000:5
        fadd.s 3d8b30b0 b5000000 0 3d8b3070:0 3d8b3070:0 3d8b3070:0 3d8b3070:0 3d8b3070:0
        fsub.s 7f800000 effffff 0 7f800000:0 7f800000:0 7f800000:0 7f800000:0 7f800000:0
        fsub.s ff700000 7f700000 0 ff800000:5 ff7fffff:5 ff800000:5 ff7fffff:5 ff800000:5
        fsub.s 7b1ac6e6 bcffffff 0 7b1ac6e6:1 7b1ac6e6:1 7b1ac6e6:1 7b1ac6e7:1 7b1ac6e6:1
        fsub.s 3f7fffff 3daff8ef 0 3f6a00e1:1 3f6a00e1:1 3f6a00e1:1 3f6a00e2:1 3f6a00e1:1
        fsub.s 817be1f9 81120000 0 80d3c3f2:0 80d3c3f2:0 80d3c3f2:0 80d3c3f2:0 80d3c3f2:0
        fsub.s 48bf0827 feada9e7 0 7eada9e7:1 7eada9e7:1 7eada9e7:1 7eada9e8:1 7eada9e7:1
        fsub.s 3c25b51b ffbc95e8 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fsub.s ffeba86b fff331a0 0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0
        fsub.s 807fffff 589422 0 80d89421:0 80d89421:0 80d89421:0 80d89421:0 80d89421:0
        fsub.s 8c00e3e0 3e7803d9 0 be7803d9:1 be7803d9:1 be7803da:1 be7803d9:1 be7803d9:1
        fsub.s 9a6d8b7 3e000025 0 be000025:1 be000024:1 be000025:1 be000024:1 be000025:1
        fsub.s 2000000 806093a9 0 20c1275:1 20c1275:1 20c1275:1 20c1276:1 20c1275:1
        fsub.s 3ee60fd3 7ac12183 0 fac12183:1 fac12182:1 fac12183:1 fac12182:1 fac12183:1
        fsub.s ff91e822 ff97a48e 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fsub.s bd9cb003 bdee8000 0 3d239ffa:0 3d239ffa:0 3d239ffa:0 3d239ffa:0 3d239ffa:0
        fsub.s f3800000 73800001 0 f4000000:1 f4000000:1 f4000001:1 f4000000:1 f4000001:1
        fmul.s a37e99c1 ff224163 0 63215e54:1 63215e53:1 63215e53:1 63215e54:1 63215e54:1
        fmul.s 544b2000 80245f9f 0 9466e2f8:1 9466e2f8:1 9466e2f9:1 9466e2f8:1 9466e2f8:1
        fmul.s 41e00000 fd124924 0 ff7fffff:0 ff7fffff:0 ff7fffff:0 ff7fffff:0 ff7fffff:0
        fmul.s 78800005 3bec7400 0 74ec7409:1 74ec7409:1 74ec7409:1 74ec740a:1 74ec7409:1
        fmul.s 3ddcb820 821475c9 0 80800000:1 807fffff:3 80800000:1 807fffff:3 80800000:1
        fmul.s 3f000000 869fffff 0 861fffff:0 861fffff:0 861fffff:0 861fffff:0 861fffff:0
        fmul.s 3a000000 7fecd91b 0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0
        fmul.s c388d322 3088 0 8033e08d:3 8033e08d:3 8033e08e:3 8033e08d:3 8033e08d:3
        fmul.s b9000000 7f7fffff 0 f8ffffff:0 f8ffffff:0 f8ffffff:0 f8ffffff:0 f8ffffff:0
        fmul.s 3759406f 8896d464 0 807fffff:3 807fffff:3 80800000:3 807fffff:3 807fffff:3
        fmul.s c1446305 80073c2c 0 58cde2:3 58cde1:3 58cde1:3 58cde2:3 58cde2:3
        fmul.s f6ead87b c8a081ff 0 7f800000:5 7f7fffff:5 7f7fffff:5 7f800000:5 7f800000:5
        fmul.s 2463c63e 7f3faa81 0 642a889d:1 642a889c:1 642a889c:1 642a889d:1 642a889d:1
        fmul.s 9000000 c15bc089 0 8adbc089:0 8adbc089:0 8adbc089:0 8adbc089:0 8adbc089:0
        fmul.s 57fffff 7f93836d 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fmul.s c905dc00 0 0 80000000:0 80000000:0 80000000:0 80000000:0 80000000:0
        fdiv.s f6970200 7f6d7fff 0 b6a2c542:1 b6a2c541:1 b6a2c542:1 b6a2c541:1 b6a2c542:1
        fdiv.s c447ffff ff000000 0 4c7ffff:0 4c7ffff:0 4c7ffff:0 4c7ffff:0 4c7ffff:0
        fdiv.s 38e0614 b9956db 0 376d1bd4:1 376d1bd4:1 376d1bd4:1 376d1bd5:1 376d1bd4:1
        fdiv.s 2da48710 0 0 7f800000:8 7f800000:8 7f800000:8 7f800000:8 7f800000:8
        fdiv.s 45a507fc ff7fffff 0 85a507fd:1 85a507fc:1 85a507fd:1 85a507fc:1 85a507fd:1
        fdiv.s 38dfb3ec 800000df 0 ff800000:5 ff7fffff:5 ff800000:5 ff7fffff:5 ff800000:5
        fdiv.s ff88a5e4 bb800000 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fdiv.s 6673cd07 ff7fffff 0 a673cd08:1 a673cd07:1 a673cd08:1 a673cd07:1 a673cd08:1
        fdiv.s 9d5b790c ffd7f47c 0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0
        fdiv.s af6f0000 f97310a5 0 2:3 1:3 1:3 2:3 2:3
        fdiv.s b9cb1718 78cb1718 0 80800000:0 80800000:0 80800000:0 80800000:0 80800000:0
        fdiv.s 5ff80000 a0bb1d67 0 fea9a65a:1 fea9a65a:1 fea9a65b:1 fea9a65a:1 fea9a65a:1
        fdiv.s 47e70190 7f7fffff 0 7e70191:1 7e70190:1 7e70190:1 7e70191:1 7e70191:1
        fdiv.s 3decc677 7f7fffff 0 3b31a:3 3b319:3 3b319:3 3b31a:3 3b31a:3
        fdiv.s 393bbe81 177 0 7f800000:5 7f7fffff:5 7f7fffff:5 7f800000:5 7f800000:5
        fdiv.s 607fffff 7fc00000 0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0
        fsqrt.s 803fffff 0 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fsqrt.s 7f800000 0 0 7f800000:0 7f800000:0 7f800000:0 7f800000:0 7f800000:0
        fsqrt.s 0 0 0 0:0 0:0 0:0 0:0 0:0
        fsqrt.s 3c978f00 0 0 3e0b4837:1 3e0b4836:1 3e0b4836:1 3e0b4837:1 3e0b4837:1
        fsqrt.s ffedd981 0 0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0
        fsqrt.s b98002aa 0 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fsqrt.s 16529a3 0 0 207235bc:1 207235bc:1 207235bc:1 207235bd:1 207235bc:1
        fsqrt.s ff87f622 0 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fsqrt.s 7fcad88e 0 0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0 7fc00000:0
        fsqrt.s 3bebffff 0 0 3dadcdf3:1 3dadcdf2:1 3dadcdf2:1 3dadcdf3:1 3dadcdf3:1
        fsqrt.s 7f918e27 0 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fsqrt.s b066943 0 0 25397f51:1 25397f51:1 25397f51:1 25397f52:1 25397f51:1
        fsqrt.s a68eeab2 0 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fsqrt.s 77e1f68c 0 0 5baa1185:1 5baa1185:1 5baa1185:1 5baa1186:1 5baa1185:1
        fsqrt.s ba2c2929 0 0 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fsqrt.s 66c91d 0 0 1fe56771:1 1fe56771:1 1fe56771:1 1fe56772:1 1fe56771:1
        fmadd.s 78800000 d88d7871 7f800000 7f800000:0 7f800000:0 7f800000:0 7f800000:0 7f800000:0
        fmadd.s 1719ab24 208f4362 7e7b6a88 7e7b6a88:1 7e7b6a88:1 7e7b6a88:1 7e7b6a89:1 7e7b6a88:1
        fmadd.s bf800000 7494d57c 7494d57c 0:0 0:0 80000000:0 0:0 0:0
        fmadd.s ec583ff ffc00000 ffbffffd 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10 7fc00000:10
        fmadd.s f5a13069 42409885 bf800000 f87288ae:1 f87288ae:1 f87288af:1 f87288ae:1 f87288ae:1
        fmadd.s ba14f668 bf800000 ba14f668 0:0 0:0 80000000:0 0:0 0:0
        fmadd.s 980000a 740d6d6 0 0:3 0:3 0:3 1:3 0:3
        fmadd.s 67b76800 398136d2 e1b9255c 55c6a000:0 55c6a000:0 55c6a000:0 55c6a000:0 55c6a000:0
        fmadd.s 8cc44e7f 74fb395e 4240a4f4 b4a0cd10:0 b4a0cd10:0 b4a0cd10:0 b4a0cd10:0 b4a0cd10:0
        fmadd.s 437fffff ff7fffff 7f7fffff ff800000:5 ff7fffff:5 ff800000:5 ff7fffff:5 ff800000:5
        fmadd.s e52bc7c1 bfedbbff e59f8617 dad342f0:1 dad342f0:1 dad342f1:1 dad342f0:1 dad342f0:1
        fmadd.s 34655fe0 2319200 c2968dff c2968dff:1 c2968dfe:1 c2968dff:1 c2968dfe:1 c2968dff:1
        fmadd.s 407fffff 6f4eda21 f04eda20 6344977c:0 6344977c:0 6344977c:0 6344977c:0 6344977c:0
        fmadd.s 18a7ffff ff431307 dd555979 dd55997b:1 dd55997b:1 dd55997c:1 dd55997b:1 dd55997b:1
        fmadd.s 2b213fff 89314000 413aafff 413aafff:1 413aaffe:1 413aaffe:1 413aafff:1 413aafff:1
        fmadd.s c3ffffff 3ccde0ec 414de0ee 3633783b:0 3633783b:0 3633783b:0 3633783b:0 3633783b:0
        fmin.s c3e45153 c17fffff 0 c3e45153:0
        fmin.s 0 83b839d4 0 83b839d4:0
        fmin.s 73954450 73954450 0 73954450:0
        fmin.s 73f9baea 807fffff 0 807fffff:0
        fmin.s ffc00000 f2c00000 0 f2c00000:0
        fmin.s ffb82995 fe848879 0 fe848879:10
        fmin.s 3160d0 c569ca10 0 c569ca10:0
        fmin.s c2533fff 1 0 c2533fff:0
        fmin.s 8a955fff c3a54800 0 c3a54800:0
        fmin.s 7b000012 7f8dfa75 0 7b000012:10
        fmin.s 752f1635 45740000 0 45740000:0
        fmin.s 730ad683 ff94a2b0 0 730ad683:10
        fmin.s 80000000 45136cb2 0 80000000:0
        fmin.s fdbb42c2 e9cf8bfb 0 fdbb42c2:0
        fmin.s bb2aa5f3 ffad9278 0 bb2aa5f3:10
        fmin.s 2557413b 18a3ffff 0 18a3ffff:0
        fmin.s bd100000 336b352d 0 bd100000:0
        fmin.s 5ab6ac42 45012763 0 45012763:0
        fmin.s bc62a3ff ffc00000 0 bc62a3ff:0
        fmin.s c4a25a5c c4a25a5c 0 c4a25a5c:0
        fmin.s de3f5f4c de3f5f4c 0 de3f5f4c:0
        fmin.s c49e72b7 c4c9169e 0 c4c9169e:0
        fmin.s ba236638 667fffff 0 ba236638:0
        fmin.s 80000001 8179db3f 0 8179db3f:0
        fmin.s c56490c6 3c4c8b19 0 c56490c6:0
        fmin.s 3982d149 7f800000 0 3982d149:0
        fmin.s ff800000 fa7bb380 0 ff800000:0
        fmin.s ff86f97a 73f6c4b1 0 73f6c4b1:10
        fmin.s 4075d7ff ff000000 0 ff000000:0
        fmin.s ffd471a7 7fd471a7 0 7fc00000:0
        fmax.s 83fee9ff f8800000 0 83fee9ff:0
        fmax.s c200000b 800000 0 800000:0
        fmax.s fc613002 fc01eb0f 0 fc01eb0f:0
        fmax.s 7f800000 76526be0 0 7f800000:0
        fmax.s e0f29edb 80000001 0 80000001:0
        fmax.s 80000001 8d7fffff 0 80000001:0
        fmax.s 3cffffff c1800000 0 3cffffff:0
        fmax.s 40640026 3500811 0 40640026:0
        fmax.s 13ccffff 80000000 0 13ccffff:0
        fmax.s 83000000 2ffffff 0 2ffffff:0
        fmax.s ff800000 195bcf71 0 195bcf71:0
        fmax.s 75d507b4 ffc00000 0 75d507b4:0
        fmax.s 7f66bbff 7f5dbfff 0 7f66bbff:0
        fmax.s 83580000 59691a 0 59691a:0
        fmax.s 44000000 bdffffff 0 44000000:0
        fmax.s 7fffff 34480000 0 34480000:0
        fmax.s bd00037f bd00037f 0 bd00037f:0
        fmax.s 459a45 1 0 459a45:0
        fmax.s ffc00000 bf7c100a 0 bf7c100a:0
        fmax.s 3d76f081 2e9d6d20 0 3d76f081:0
        fmax.s 7f874e11 ff9c5f1b 0 7fc00000:10
        fmax.s 7fbd5ff2 7fd34550 0 7fc00000:10
        fmax.s c22483ff c138f9ff 0 c138f9ff:0
        fmax.s 50b000 8050b000 0 50b000:0
        fmax.s 7fef2c5a 80800000 0 80800000:0
        fmax.s c03054ff 41000000 0 41000000:0
        fmax.s 8ba31ddb c4be767f 0 8ba31ddb:0
        fmax.s ff99e992 7f99e992 0 7fc00000:10
        fmax.s 3cebffff d37b27f6 0 3cebffff:0
        fmax.s 43a5d39e ffa054e5 0 43a5d39e:10
        feq.s 7fffff 807fffff 0 0:0
        feq.s 7498ffff f498ffff 0 0:0
        feq.s 7fbd3286 79381ee1 0 0:10
        feq.s 80000001 1 0 0:0
        feq.s 12572e2 7f000000 0 0:0
        feq.s bf800000 c6017067 0 0:0
        feq.s ffc00000 f358f63d 0 0:0
        feq.s f4800000 f4800000 0 1:0
        feq.s 88ffffff 7fd2e37b 0 0:0
        feq.s 3e864000 ffc00000 0 0:0
        feq.s 80000001 0 0 0:0
        feq.s aa343ae5 c03109a0 0 0:0
        feq.s d500000 887fffff 0 0:0
        feq.s 807fffff a8b516ff 0 0:0
        feq.s 3d000000 4019ffff 0 0:0
        feq.s bf7790c0 c3800000 0 0:0
        feq.s 7f000000 42a4358c 0 0:0
        feq.s 3e02909f 3e02909f 0 1:0
        feq.s 8c7fffff 40a8b85f 0 0:0
        feq.s 7806e3ff 7feedacc 0 0:0
        feq.s 80000000 2 0 0:0
        feq.s b04666ea 0 0 0:0
        feq.s ba0341b7 ba0341b7 0 1:0
        feq.s ffba0b0e ffbfb1af 0 0:10
        feq.s 42117fff 427fffff 0 0:0
        feq.s 3a52d80e 75c106 0 0:0
        feq.s 64000000 7f93504c 0 0:10
        feq.s 7ffe2681 bb8000db 0 0:0
        feq.s bb69a7f7 3ea03342 0 0:0
        feq.s 86710000 8007d2be 0 0:0
        flt.s 80000000 3a6b636c 0 1:0
        flt.s c4c4ffff ff91fa5f 0 0:10
        flt.s 7fc00000 ffd3bd73 0 0:10
        flt.s bac6f6f0 bc4f7fff 0 0:0
        flt.s c07fffff c0623829 0 1:0
        flt.s 3d800000 758b1448 0 1:0
        flt.s 74e624c3 7fc00000 0 0:10
        flt.s e4718cf1 e4718cf1 0 0:0
        flt.s 807fffff a30f65 0 1:0
        flt.s da1c73eb 424b5f0a 0 1:0
        flt.s 2eddb1db 22604000 0 0:0
        flt.s ffbf4097 be7fffff 0 0:10
        flt.s 7fffff bcecc57d 0 0:0
        flt.s 3a180000 ba17fffe 0 0:0
        flt.s c800000 ffc00000 0 0:10
        flt.s 3be60c80 3be60c80 0 0:0
        flt.s 78a24bff f8a24bfe 0 0:0
        flt.s 3b7fffff ffaa5841 0 0:10
        flt.s 401c5fe7 c01c5fe8 0 0:0
        flt.s 3e9f6800 7fb3b5b2 0 0:10
        flt.s 807fffff 807fffff 0 0:0
        flt.s 452a986a e1bc1081 0 0:0
        flt.s ff800000 5f9dffff 0 1:0
        flt.s 80800000 7ffffe 0 1:0
        flt.s 3ffb7fff 83f411b0 0 0:0
        flt.s f5540e24 f832019d 0 0:0
        flt.s f521fff 5800000 0 0:0
        flt.s 7feee1f3 560b3798 0 0:10
        flt.s 1 64aac9 0 1:0
        flt.s 7f800000 bf800001 0 0:0
        fle.s 3fb34fc0 c0a88bff 0 0:0
        fle.s 80000001 8006e09b 0 0:0
        fle.s bf40343b b2800000 0 1:0
        fle.s c3018e00 7fd509fa 0 0:10
        fle.s a1abbb2b a1abbb2b 0 1:0
        fle.s 80000001 ba179e71 0 0:0
        fle.s ff86e6d2 c47fffff 0 0:10
        fle.s f78877f7 427fffff 0 1:0
        fle.s ffcfdc29 ffcfdc29 0 0:10
        fle.s bfaa8000 80000001 0 1:0
        fle.s 40000000 89800000 0 0:0
        fle.s 3e7fffff be7fffff 0 0:0
        fle.s 22c80000 a2c80001 0 0:0
        fle.s 80000001 80000000 0 1:0
        fle.s 44af6da7 7f800000 0 1:0
        fle.s 4253e310 75c83be 0 0:0
        fle.s 3fd05915 bfd05915 0 0:0
        fle.s 4ba2b88a 1 0 0:0
        fle.s 45d6e0eb 41743f80 0 0:0
        fle.s 80000000 3b751a6a 0 1:0
        fle.s c1c22a18 ffbb1b97 0 0:10
        fle.s c0400000 e15275a1 0 0:0
        fle.s 7f800000 f65b3757 0 0:0
        fle.s ffc00000 c244288f 0 0:10
        fle.s 7fffff 32a000 0 0:0
        fle.s 3b90fb9b 4349e33f 0 1:0
        fle.s f47fffff f4000000 0 1:0
        fle.s 4c400000 807fffff 0 0:0
        fle.s ffae88ad 43e82d36 0 0:10
        fle.s 4281ffff 3f600000 0 0:0
        fclass.s 0 0 0 10:0
        fclass.s 3fc38c 0 0 20:0
        fclass.s 7f800000 0 0 80:0
        fclass.s bdb2b970 0 0 2:0
        fclass.s ff800000 0 0 1:0
        fclass.s 4a4ca211 0 0 40:0
        fclass.s ffc00000 0 0 200:0
        fclass.s 80000000 0 0 8:0
        fclass.s 40800000 0 0 40:0
        fclass.s 3dbc31d3 0 0 40:0
        fclass.s 8b6ac4d6 0 0 2:0
        fclass.s 40ffffff 0 0 40:0
        fclass.s 3ed6ffff 0 0 40:0
        fclass.s 4b2c4b5 0 0 40:0
        fclass.s fb33a45c 0 0 2:0
        fclass.s 7fa694a2 0 0 100:0
        fclass.s ea153412 0 0 2:0
        fclass.s e4758973 0 0 2:0
        fclass.s 19500000 0 0 40:0
        fclass.s 78600000 0 0 40:0
        fclass.s 8b457722 0 0 2:0
        fclass.s c4279dd0 0 0 2:0
        fclass.s c27c20e6 0 0 2:0
        fclass.s 2e0b117f 0 0 40:0
        fclass.s 72cebbb1 0 0 40:0
        fclass.s 805afe40 0 0 4:0
        fclass.s c466f7ff 0 0 2:0
        fclass.s 7fe46bc7 0 0 200:0
        fclass.s 3c2324b2 0 0 40:0
        fclass.s ffb9628f 0 0 100:0
        fcvt.w.s 80000000 0 0 0:0 0:0 0:0 0:0 0:0
        fcvt.w.s ff800000 0 0 ffffffff80000000:10 ffffffff80000000:10 ffffffff80000000:10 ffffffff80000000:10 ffffffff80000000:10
        fcvt.w.s 1 0 0 0:1 0:1 0:1 1:1 0:1
        fcvt.w.s 0 0 0 0:0 0:0 0:0 0:0 0:0
        fcvt.w.s de800000 0 0 ffffffff80000000:10 ffffffff80000000:10 ffffffff80000000:10 ffffffff80000000:10 ffffffff80000000:10
        fcvt.w.s 444d11d0 0 0 334:1 334:1 334:1 335:1 334:1
        fcvt.w.s 5e111138 0 0 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10
        fcvt.w.s 5943ff80 0 0 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10
        fcvt.w.s 5fffffe0 0 0 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10
        fcvt.w.s 56584217 0 0 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10
        fcvt.w.s ccffffff 0 0 fffffffff8000008:0 fffffffff8000008:0 fffffffff8000008:0 fffffffff8000008:0 fffffffff8000008:0
        fcvt.w.s ffeebd3e 0 0 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10
        fcvt.w.s ffa6c786 0 0 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10
        fcvt.w.s 4c680000 0 0 3a00000:0 3a00000:0 3a00000:0 3a00000:0 3a00000:0
        fcvt.w.s 7ff2c37f 0 0 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10
        fcvt.w.s 7f901c17 0 0 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10 7fffffff:10
        fcvt.wu.s ff800000 0 0 0:10 0:10 0:10 0:10 0:10
        fcvt.wu.s 80000001 0 0 0:1 0:1 0:10 0:1 0:1
        fcvt.wu.s 7fffff 0 0 0:1 0:1 0:1 1:1 0:1
        fcvt.wu.s 4e800000 0 0 40000000:0 40000000:0 40000000:0 40000000:0 40000000:0
        fcvt.wu.s 3edf7e17 0 0 0:1 0:1 0:1 1:1 0:1
        fcvt.wu.s 53000000 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.wu.s 80000000 0 0 0:0 0:0 0:0 0:0 0:0
        fcvt.wu.s ff8ce77b 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.wu.s 3ea130a9 0 0 0:1 0:1 0:1 1:1 0:1
        fcvt.wu.s 7fbe845c 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.wu.s c29ac680 0 0 0:10 0:10 0:10 0:10 0:10
        fcvt.wu.s 7fda898f 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.wu.s ffeb7a3f 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.wu.s 3fffff80 0 0 2:1 1:1 1:1 2:1 2:1
        fcvt.wu.s 5ccfcbff 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.wu.s dbf80000 0 0 0:10 0:10 0:10 0:10 0:10
        fcvt.l.s ffe7d020 0 0 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10
        fcvt.l.s 807fffff 0 0 0:1 0:1 ffffffffffffffff:1 0:1 0:1
        fcvt.l.s 80000000 0 0 0:0 0:0 0:0 0:0 0:0
        fcvt.l.s 1 0 0 0:1 0:1 0:1 1:1 0:1
        fcvt.l.s 7f800000 0 0 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10
        fcvt.l.s 3f1350d7 0 0 1:1 0:1 0:1 1:1 1:1
        fcvt.l.s 4379cad8 0 0 fa:1 f9:1 f9:1 fa:1 fa:1
        fcvt.l.s c404cf58 0 0 fffffffffffffded:1 fffffffffffffded:1 fffffffffffffdec:1 fffffffffffffded:1 fffffffffffffded:1
        fcvt.l.s 7fca766d 0 0 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10
        fcvt.l.s 50b3b120 0 0 59d890000:0 59d890000:0 59d890000:0 59d890000:0 59d890000:0
        fcvt.l.s 45a80000 0 0 1500:0 1500:0 1500:0 1500:0 1500:0
        fcvt.l.s 58d80e4f 0 0 6c07278000000:0 6c07278000000:0 6c07278000000:0 6c07278000000:0 6c07278000000:0
        fcvt.l.s 437e0000 0 0 fe:0 fe:0 fe:0 fe:0 fe:0
        fcvt.l.s ffa4bae2 0 0 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10
        fcvt.l.s 7fbd9804 0 0 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10 7fffffffffffffff:10
        fcvt.l.s 45c3316b 0 0 1866:1 1866:1 1866:1 1867:1 1866:1
        fcvt.lu.s 1 0 0 0:1 0:1 0:1 1:1 0:1
        fcvt.lu.s 0 0 0 0:0 0:0 0:0 0:0 0:0
        fcvt.lu.s 807fffff 0 0 0:1 0:1 0:10 0:1 0:1
        fcvt.lu.s 7f800000 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.lu.s 7fcd3400 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.lu.s 3e848000 0 0 0:1 0:1 0:1 1:1 0:1
        fcvt.lu.s 431ed400 0 0 9f:1 9e:1 9e:1 9f:1 9f:1
        fcvt.lu.s ffbc0d5b 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.lu.s 7fbdbeb9 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.lu.s 604195f8 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.lu.s ffd08be3 0 0 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10 ffffffffffffffff:10
        fcvt.lu.s cd85941c 0 0 0:10 0:10 0:10 0:10 0:10
        fcvt.lu.s 464b4405 0 0 32d1:1 32d1:1 32d1:1 32d2:1 32d1:1
        fcvt.lu.s 5d8bb0c0 0 0 1176180000000000:0 1176180000000000:0 1176180000000000:0 1176180000000000:0 1176180000000000:0
        fcvt.lu.s c5a40000 0 0 0:10 0:10 0:10 0:10 0:10
        fcvt.lu.s 5bec2b7e 0 0 1d856fc00000000:0 1d856fc00000000:0 1d856fc00000000:0 1d856fc00000000:0 1d856fc00000000:0
        fcvt.s.w fffffffffffffea9 0 0 c3ab8000:0 c3ab8000:0 c3ab8000:0 c3ab8000:0 c3ab8000:0
        fcvt.s.w ffffffff979c8f4f 0 0 ced0c6e1:1 ced0c6e1:1 ced0c6e2:1 ced0c6e1:1 ced0c6e1:1
        fcvt.s.w 143c 0 0 45a1e000:0 45a1e000:0 45a1e000:0 45a1e000:0 45a1e000:0
        fcvt.s.w 34b098a6 0 0 4e52c263:1 4e52c262:1 4e52c262:1 4e52c263:1 4e52c263:1
        fcvt.s.w 1635a0c 0 0 4bb1ad06:0 4bb1ad06:0 4bb1ad06:0 4bb1ad06:0 4bb1ad06:0
        fcvt.s.w 44ee5996 0 0 4e89dcb3:1 4e89dcb3:1 4e89dcb3:1 4e89dcb4:1 4e89dcb3:1
        fcvt.s.w 7d1dd1bd 0 0 4efa3ba3:1 4efa3ba3:1 4efa3ba3:1 4efa3ba4:1 4efa3ba3:1
        fcvt.s.w 4b800000 0 0 4e970000:0 4e970000:0 4e970000:0 4e970000:0 4e970000:0
        fcvt.s.w ffffffffa30dd00c 0 0 ceb9e460:1 ceb9e45f:1 ceb9e460:1 ceb9e45f:1 ceb9e460:1
        fcvt.s.w e900000 0 0 4d690000:0 4d690000:0 4d690000:0 4d690000:0 4d690000:0
        fcvt.s.w 194fa4 0 0 49ca7d20:0 49ca7d20:0 49ca7d20:0 49ca7d20:0 49ca7d20:0
        fcvt.s.w fffffffffffffca8 0 0 c4560000:0 c4560000:0 c4560000:0 c4560000:0 c4560000:0
        fcvt.s.w fffffffffff0a92a 0 0 c9756d60:0 c9756d60:0 c9756d60:0 c9756d60:0 c9756d60:0
        fcvt.s.w b21 0 0 45321000:0 45321000:0 45321000:0 45321000:0 45321000:0
        fcvt.s.w fffffffffffc38e3 0 0 c871c740:0 c871c740:0 c871c740:0 c871c740:0 c871c740:0
        fcvt.s.w 3b895a 0 0 4a6e2568:0 4a6e2568:0 4a6e2568:0 4a6e2568:0 4a6e2568:0
        fcvt.s.wu fffffe1c 0 0 4f7ffffe:1 4f7ffffe:1 4f7ffffe:1 4f7fffff:1 4f7ffffe:1
        fcvt.s.wu 68027522 0 0 4ed004ea:1 4ed004ea:1 4ed004ea:1 4ed004eb:1 4ed004ea:1
        fcvt.s.wu e4ee5597 0 0 4f64ee56:1 4f64ee55:1 4f64ee55:1 4f64ee56:1 4f64ee56:1
        fcvt.s.wu 23f0 0 0 460fc000:0 460fc000:0 460fc000:0 460fc000:0 460fc000:0
        fcvt.s.wu f93547ed 0 0 4f793548:1 4f793547:1 4f793547:1 4f793548:1 4f793548:1
        fcvt.s.wu 2cf98 0 0 4833e600:0 4833e600:0 4833e600:0 4833e600:0 4833e600:0
        fcvt.s.wu e8b9987c 0 0 4f68b998:1 4f68b998:1 4f68b998:1 4f68b999:1 4f68b998:1
        fcvt.s.wu ec000000 0 0 4f6c0000:0 4f6c0000:0 4f6c0000:0 4f6c0000:0 4f6c0000:0
        fcvt.s.wu a19c18ac 0 0 4f219c19:1 4f219c18:1 4f219c18:1 4f219c19:1 4f219c19:1
        fcvt.s.wu 65533a88 0 0 4ecaa675:1 4ecaa675:1 4ecaa675:1 4ecaa676:1 4ecaa675:1
        fcvt.s.wu fffffff3 0 0 4f800000:1 4f7fffff:1 4f7fffff:1 4f800000:1 4f800000:1
        fcvt.s.wu ea3d524 0 0 4d6a3d52:1 4d6a3d52:1 4d6a3d52:1 4d6a3d53:1 4d6a3d52:1
        fcvt.s.wu 50ef2000 0 0 4ea1de40:0 4ea1de40:0 4ea1de40:0 4ea1de40:0 4ea1de40:0
        fcvt.s.wu 2966c54d 0 0 4e259b15:1 4e259b15:1 4e259b15:1 4e259b16:1 4e259b15:1
        fcvt.s.wu 4dfbf72e 0 0 4e9bf7ee:1 4e9bf7ee:1 4e9bf7ee:1 4e9bf7ef:1 4e9bf7ee:1
        fcvt.s.wu 98118bc8 0 0 4f18118c:1 4f18118b:1 4f18118b:1 4f18118c:1 4f18118c:1
        fcvt.s.l fffffe3fffffffff 0 0 d3e00000:1 d3e00000:1 d3e00001:1 d3e00000:1 d3e00000:1
        fcvt.s.l 6c7ae3717c83a2 0 0 5ad8f5c7:1 5ad8f5c6:1 5ad8f5c6:1 5ad8f5c7:1 5ad8f5c7:1
        fcvt.s.l 58b024b 0 0 4cb16049:1 4cb16049:1 4cb16049:1 4cb1604a:1 4cb16049:1
        fcvt.s.l ffffffffffffff2d 0 0 c3530000:0 c3530000:0 c3530000:0 c3530000:0 c3530000:0
        fcvt.s.l 3d54 0 0 46755000:0 46755000:0 46755000:0 46755000:0 46755000:0
        fcvt.s.l 1000000000000000 0 0 5d800000:0 5d800000:0 5d800000:0 5d800000:0 5d800000:0
        fcvt.s.l 47317e964b07 0 0 568e62fd:1 568e62fd:1 568e62fd:1 568e62fe:1 568e62fd:1
        fcvt.s.l 4ac 0 0 44958000:0 44958000:0 44958000:0 44958000:0 44958000:0
        fcvt.s.l 6e0a911045c9 0 0 56dc1522:1 56dc1522:1 56dc1522:1 56dc1523:1 56dc1522:1
        fcvt.s.l 854108e2b4e5d16 0 0 5d054109:1 5d054108:1 5d054108:1 5d054109:1 5d054109:1
        fcvt.s.l ffffffffffd52c07 0 0 ca2b4fe4:0 ca2b4fe4:0 ca2b4fe4:0 ca2b4fe4:0 ca2b4fe4:0
        fcvt.s.l ffffffffa4a15a7b 0 0 ceb6bd4b:1 ceb6bd4b:1 ceb6bd4c:1 ceb6bd4b:1 ceb6bd4b:1
        fcvt.s.l fb45d8013e1b162f 0 0 dc974500:1 dc9744ff:1 dc974500:1 dc9744ff:1 dc974500:1
        fcvt.s.l fffffffffffd0f95 0 0 c83c1ac0:0 c83c1ac0:0 c83c1ac0:0 c83c1ac0:0 c83c1ac0:0
        fcvt.s.l ffffffc6a96fd24e 0 0 d2655a41:1 d2655a40:1 d2655a41:1 d2655a40:1 d2655a41:1
        fcvt.s.l 77b970 0 0 4aef72e0:0 4aef72e0:0 4aef72e0:0 4aef72e0:0 4aef72e0:0
        fcvt.s.lu 371c8ecb 0 0 4e5c723b:1 4e5c723b:1 4e5c723b:1 4e5c723c:1 4e5c723b:1
        fcvt.s.lu fffffffffffdd603 0 0 5f800000:1 5f7fffff:1 5f7fffff:1 5f800000:1 5f800000:1
        fcvt.s.lu ffff3db2b5102c70 0 0 5f7fff3e:1 5f7fff3d:1 5f7fff3d:1 5f7fff3e:1 5f7fff3e:1
        fcvt.s.lu ffffffffe0f0ab75 0 0 5f800000:1 5f7fffff:1 5f7fffff:1 5f800000:1 5f800000:1
        fcvt.s.lu 1fb506c47d0 0 0 53fda836:1 53fda836:1 53fda836:1 53fda837:1 53fda836:1
        fcvt.s.lu 41516fe63ff47 0 0 5882a2e0:1 5882a2df:1 5882a2df:1 5882a2e0:1 5882a2e0:1
        fcvt.s.lu ffffbf3727060000 0 0 5f7fffbf:1 5f7fffbf:1 5f7fffbf:1 5f7fffc0:1 5f7fffbf:1
        fcvt.s.lu 67f665a778c9 0 0 56cfeccb:1 56cfeccb:1 56cfeccb:1 56cfeccc:1 56cfeccb:1
        fcvt.s.lu 17a17 0 0 47bd0b80:0 47bd0b80:0 47bd0b80:0 47bd0b80:0 47bd0b80:0
        fcvt.s.lu ffffffffc3e7f7f8 0 0 5f800000:1 5f7fffff:1 5f7fffff:1 5f800000:1 5f800000:1
        fcvt.s.lu 2951c 0 0 48254700:0 48254700:0 48254700:0 48254700:0 48254700:0
        fcvt.s.lu 626f19bf0 0 0 50c4de33:1 50c4de33:1 50c4de33:1 50c4de34:1 50c4de33:1
        fcvt.s.lu ff4b742f496fffff 0 0 5f7f4b74:1 5f7f4b74:1 5f7f4b74:1 5f7f4b75:1 5f7f4b74:1
        fcvt.s.lu 5f07c04c 0 0 4ebe0f81:1 4ebe0f80:1 4ebe0f80:1 4ebe0f81:1 4ebe0f81:1
        fcvt.s.lu f33ce34871f5fdf9 0 0 5f733ce3:1 5f733ce3:1 5f733ce3:1 5f733ce4:1 5f733ce3:1
        fcvt.s.lu 3810000000000 0 0 58604000:0 58604000:0 58604000:0 58604000:0 58604000:0
        fcvt.d.s 80000000 0 0 8000000000000000:0
        fcvt.d.s 7f9e7da7 0 0 7ff8000000000000:10
        fcvt.d.s 7f800000 0 0 7ff0000000000000:0
        fcvt.d.s 0 0 0 0:0
        fcvt.d.s ff800000 0 0 fff0000000000000:0
        fcvt.d.s 721b3c9 0 0 38e4367920000000:0
        fcvt.d.s a0000000 0 0 bc00000000000000:0
        fcvt.d.s 8be4f97a 0 0 b97c9f2f40000000:0
        fcvt.d.s 40bab717 0 0 401756e2e0000000:0
        fcvt.d.s 4df904c0 0 0 41bf209800000000:0
        fcvt.d.s c327a1b9 0 0 c064f43720000000:0
        fcvt.d.s a6800000 0 0 bcd0000000000000:0
        fcvt.d.s ea3f2ac8 0 0 c547e55900000000:0
        fcvt.d.s ba600000 0 0 bf4c000000000000:0
        fcvt.d.s bf042c8c 0 0 bfe0859180000000:0
        fcvt.d.s feffffff 0 0 c7dfffffe0000000:0
        fcvt.d.s 282affff 0 0 3d055fffe0000000:0
        fcvt.d.s 405dffff 0 0 400bbfffe0000000:0
        fcvt.d.s d9428b32 0 0 c328516640000000:0
        fcvt.d.s bc1ab1ff 0 0 bf83563fe0000000:0
        fcvt.d.s ffa058a2 0 0 7ff8000000000000:10
        fcvt.d.s ffd53149 0 0 7ff8000000000000:0
        fcvt.d.s 7ff51379 0 0 7ff8000000000000:0
        fcvt.d.s 9996e3df 0 0 bb32dc7be0000000:0
        fcvt.d.s c44278da 0 0 c0884f1b40000000:0
        fcvt.d.s 80382a19 0 0 b7fc150c80000000:0
        fcvt.d.s 6fb5f9 0 0 380bed7e40000000:0
        fcvt.d.s a1741b66 0 0 bc2e836cc0000000:0
        fcvt.d.s dba6c4bc 0 0 c374d89780000000:0
        fcvt.d.s 66cb64bf 0 0 44d96c97e0000000:0
        """;
}
