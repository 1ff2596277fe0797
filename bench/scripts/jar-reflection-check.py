#!/usr/bin/env python3
"""What minimizeJar may have cut that is loaded by name: run on a Lambda jar built without and with minimizeJar.

    python3 bench/scripts/jar-reflection-check.py FULL.jar MINIMIZED.jar

Lists every class that the full jar ships, that a class kept in the minimized jar names in a string constant
(Class.forName, ClassLoader.loadClass, ServiceLoader-style look-ups), and that the minimized jar no longer ships;
and every provider named in META-INF/services that is missing. Each line is either kept through a filter in
functions/pom.xml or shown harmless (an optional feature probed by name and absent on purpose). Exit 0 always:
it informs, LambdaJarsIT decides.
"""
import re
import struct
import sys
import zipfile


def string_constants(data):
    """The CONSTANT_String values of a class file's constant pool."""
    count = struct.unpack('>H', data[8:10])[0]
    i, idx, utf, strings = 10, 1, {}, []
    while idx < count:
        tag = data[i]
        if tag == 1:
            n = struct.unpack('>H', data[i + 1:i + 3])[0]
            utf[idx] = data[i + 3:i + 3 + n].decode('utf8', 'replace')
            i += 3 + n
        elif tag in (3, 4):
            i += 5
        elif tag in (5, 6):
            i += 9
            idx += 1
        elif tag in (7, 16, 19, 20):
            i += 3
        elif tag == 8:
            strings.append(struct.unpack('>H', data[i + 1:i + 3])[0])
            i += 3
        elif tag in (9, 10, 11, 12, 17, 18):
            i += 5
        elif tag == 15:
            i += 4
        else:
            raise ValueError('constant pool tag %d' % tag)
        idx += 1
    return [utf.get(s, '') for s in strings]


def main(full_path, mini_path):
    full, mini = zipfile.ZipFile(full_path), zipfile.ZipFile(mini_path)
    full_classes = {n for n in full.namelist() if n.endswith('.class')}
    names = set(mini.namelist())
    mini_classes = {n for n in names if n.endswith('.class')}
    missing = {}
    for n in mini_classes:
        for s in string_constants(mini.read(n)):
            for candidate in re.findall(r'[A-Za-z_][\w$]*(?:[./][A-Za-z_][\w$]*)+', s):
                p = candidate.replace('.', '/') + '.class'
                if p in full_classes and p not in mini_classes:
                    missing.setdefault(p, set()).add(n)
    for p in sorted(missing):
        print('named, not shipped:', p, '<-', ', '.join(sorted(missing[p])[:3]))
    for n in sorted(names):
        if n.startswith('META-INF/services/') and not n.endswith('/'):
            for line in mini.read(n).decode().splitlines():
                provider = line.split('#')[0].strip()
                if provider and provider.replace('.', '/') + '.class' not in names:
                    print('service provider missing:', n, provider)
    print('%s: %d of %d classes kept, %d named by string and cut' % (mini_path, len(mini_classes), len(full_classes),
                                                                    len(missing)))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
