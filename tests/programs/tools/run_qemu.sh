#!/bin/sh
# Runs each given ELF on QEMU's spike machine (HTIF tohost) and reports the
# result; exit status is non-zero when any program fails or times out.
# -icount makes QEMU count cycles/instret per instruction; without it they
# follow the host clock and the counter tests (rv64mi zicntr,
# instret_overflow) cannot pass.
QEMU=${QEMU:-qemu-system-riscv64}
pass=0; failn=0; failed=""
for elf in "$@"; do
  out=$(timeout 20 "$QEMU" -M spike -icount shift=0 -bios none -nographic -monitor none -kernel "$elf" 2>&1)
  rc=$?
  if [ $rc -eq 0 ]; then
    pass=$((pass + 1))
  else
    failn=$((failn + 1)); failed="$failed $elf"
    echo "FAIL $elf (exit $rc) $out"
  fi
done
echo "$pass passed, $failn failed"
[ $failn -eq 0 ]
