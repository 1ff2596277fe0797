#!/usr/bin/env python3
"""registry-admin import: sends .crate files, unchanged, to the admin import API (PUT /api/v1/admin/import).

SOURCE is one of
  DIR                   every *.crate below it (no publish time or yanked flag known: the import time is recorded)
  LIST                  a text file, one .crate per line: a path or an http(s) URL, optionally followed by the
                        publish time (RFC 3339) and `yanked`; `#` starts a comment
  INDEX-URL CRATE...    a sparse registry's index URL (`sparse+` optional) and the crates to copy from it: every
                        version in its index file, downloaded from its config.json `dl`, with its pubtime and yanked

The registry checks each file exactly as a publish (docs/api.md#push-and-import); the order does not matter, because
a version does not need its dependencies to be present. Running it again changes nothing (`skipped`).
Prints one line per file (imported / skipped / refused and why) and a summary; exits 1 if anything was refused.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


# The largest .crate a request through API Gateway to Lambda carries (Limits.MAX_DIRECT_UPLOAD_BYTES); a larger one
# goes through a presigned upload to storage, then the import reads it from there.
MAX_DIRECT_UPLOAD_BYTES = 4653056


def http(method, url, token=None, body=None, content_type="application/octet-stream"):
    req = urllib.request.Request(url, data=body, method=method)
    if token:
        req.add_header("Authorization", token)
    if body is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=300) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def detail(status, body):
    try:
        return "; ".join(e["detail"] for e in json.loads(body)["errors"])
    except (ValueError, KeyError, TypeError):
        return "HTTP %d: %s" % (status, body[:200].decode("utf-8", "replace"))


def from_dir(root):
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith(".crate"):
                yield os.path.join(d, f), None, None


def from_list(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split("#", 1)[0].split()
            if not parts:
                continue
            pubtime = next((p for p in parts[1:] if p[:1].isdigit()), None)
            yield parts[0], pubtime, True if "yanked" in parts[1:] else None


def from_index(index, names):
    base = index[len("sparse+"):] if index.startswith("sparse+") else index
    base = base if base.endswith("/") else base + "/"
    status, body = http("GET", base + "config.json")
    if status != 200:
        sys.exit("registry-admin: %sconfig.json answered %d" % (base, status))
    dl = json.loads(body)["dl"]
    for name in names:
        n = name.lower()
        prefix = {1: "1/", 2: "2/", 3: "3/%s/" % n[:1]}.get(len(n), "%s/%s/" % (n[:2], n[2:4]))
        status, body = http("GET", base + prefix + n)
        if status != 200:
            yield None, None, "crate `%s`: its index file answered %d" % (name, status)
            continue
        for line in body.decode("utf-8").splitlines():
            if not line.strip():
                continue
            v = json.loads(line)
            if "{" in dl:
                url = (dl.replace("{crate}", v["name"]).replace("{version}", v["vers"])
                       .replace("{lowerprefix}", prefix.rstrip("/")).replace("{prefix}", prefix.rstrip("/"))
                       .replace("{sha256-checksum}", v["cksum"]))
            else:
                url = "%s/%s/%s/download" % (dl.rstrip("/"), v["name"], v["vers"])
            yield url, v.get("pubtime"), bool(v.get("yanked"))


def read(source):
    if source.startswith("http://") or source.startswith("https://"):
        status, body = http("GET", source)
        if status != 200:
            raise OSError("download answered %d" % status)
        return body
    with open(source, "rb") as f:
        return f.read()


def staged_import(api, token, body, suffix):
    """A file larger than a request carries: an upload URL, the file PUT there, then the import of it."""
    status, answer = http("POST", api + "/api/v1/crates/push/uploads", token, b"{}", "application/json")
    if status != 200:
        return status, answer
    upload = json.loads(answer)
    status, answer = http("PUT", upload["url"], None, body)
    if status >= 400:
        return status, b'{"errors":[{"detail":"the upload to storage failed"}]}'
    return http("PUT", api + "/api/v1/admin/import/uploads/" + upload["upload_id"] + suffix, token)


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    api = os.environ["REGISTRY_API"].rstrip("/")
    token = os.environ["REGISTRY_TOKEN"]
    source = argv[0]
    if source.startswith("sparse+") or source.startswith("http://") or source.startswith("https://"):
        if len(argv) < 2:
            print("registry-admin import INDEX-URL CRATE...: name the crates to copy", file=sys.stderr)
            return 2
        items = from_index(source, argv[1:])
    elif os.path.isdir(source):
        items = from_dir(source)
    elif os.path.isfile(source):
        items = from_list(source)
    else:
        print("registry-admin: %s is neither a directory, a list file nor an index URL" % source, file=sys.stderr)
        return 2
    counts = {"imported": 0, "skipped": 0, "refused": 0}
    for where, pubtime, yanked in items:
        if where is None:  # a source-side failure, reported as a refusal
            counts["refused"] += 1
            print("refused   %s" % yanked)
            continue
        try:
            body = read(where)
        except OSError as e:
            counts["refused"] += 1
            print("refused   %s: cannot read it (%s)" % (where, e))
            continue
        query = {}
        if pubtime:
            query["pubtime"] = pubtime
        if yanked is not None:
            query["yanked"] = "true" if yanked else "false"
        suffix = "?" + urllib.parse.urlencode(query) if query else ""
        if len(body) <= MAX_DIRECT_UPLOAD_BYTES:
            status, answer = http("PUT", api + "/api/v1/admin/import" + suffix, token, body)
        else:
            status, answer = staged_import(api, token, body, suffix)
        if status == 200:
            r = json.loads(answer)
            counts[r["outcome"]] += 1
            note = " (already there, same bytes)" if r["outcome"] == "skipped" else ""
            print("%-9s %s %s%s%s" % (r["outcome"], r["name"], r["vers"], " yanked" if r.get("yanked") else "", note))
        else:
            counts["refused"] += 1
            print("refused   %s: %s" % (where, detail(status, answer)))
        sys.stdout.flush()
    print("%(imported)d imported, %(skipped)d skipped, %(refused)d refused" % counts)
    return 1 if counts["refused"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
