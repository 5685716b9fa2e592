#!/usr/bin/env python3
"""Decodes the C2 methods of a -XX:+PrintAssembly log printed without hsdis (hex only) with objdump.

Debian's hsdis package (libhsdis0-fcml) exports only the old decode_instructions entry point, which JDK 17
does not load, so PrintAssembly prints machine code as hex. This turns each C2-compiled method of the log
into an objdump listing and prints how many instructions use 512-bit (zmm) and 256-bit (ymm) registers and
how many scalar float multiplies/adds there are: a quick check of what C2 vectorised.

  java -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,dev.edgetrain.runtime.kernels.DenseRows::forward \
       -XX:CompileCommand=quiet -cp benchmarks/target/benchmarks.jar \
       dev.edgetrain.benchmarks.kernels.KernelProbe 64x784x256 > asm.log
  benchmarks/tools/decode-asm.py asm.log DenseRows::forward [--listing]
"""
import re
import subprocess
import sys
import tempfile


def methods(text, want):
    for block in text.split('============================= ')[1:]:
        if not block.startswith('C2-compiled'):
            continue
        m = re.search(r'Compiled method \(c2\)\s+\d+\s+\d+\s+%?\s*\d\s+(\S+)', block)
        name = m.group(1) if m else '?'
        if want in name and '[MachCode]' in block:
            yield name, block.split('[MachCode]')[1].split('[/MachCode]')[0]


def decode(code):
    data, start = bytearray(), None
    for line in code.splitlines():
        m = re.match(r'\s*0x([0-9a-f]+): ((?:[0-9a-f]{2,4}(?: \| | |$))+)\s*$', line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        if start is None:
            start = addr
        gap = addr - start - len(data)
        if gap > 0:
            data += b'\x90' * gap
        elif gap < 0:
            data = data[:addr - start]
        data += bytes.fromhex(re.sub(r'[ |]', '', m.group(2)))
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(data)
        f.flush()
        return subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '--adjust-vma=%d' % (start or 0),
                               f.name], capture_output=True, text=True, check=True).stdout


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    text = open(sys.argv[1]).read()
    for name, code in methods(text, sys.argv[2]):
        listing = decode(code)
        print('%s: %d zmm, %d ymm, %d scalar vmulss/vaddss' % (name, listing.count('zmm'), listing.count('ymm'),
                                                               len(re.findall(r'vmulss|vaddss', listing))))
        if '--listing' in sys.argv:
            print(listing)


if __name__ == '__main__':
    main()
