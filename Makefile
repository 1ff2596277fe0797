# Builds the Java Lambda functions for `sam build`. In template.yaml every Java function has
# `CodeUri: .` (this directory) and `Metadata: BuildMethod: makefile`.
#
# How SAM uses this file (AWS SAM Developer Guide, "Building Lambda functions with custom runtimes";
# aws/aws-lambda-builders, aws_lambda_builders/workflows/custom_make): for each such function,
# `sam build` copies the CodeUri directory (without .git and .aws-sam) to a scratch directory and
# runs `make --makefile <this file> build-<LogicalId>` there, with ARTIFACTS_DIR set to
# .aws-sam/build/<LogicalId> in the environment. What the target leaves in ARTIFACTS_DIR is the
# function's code, which `sam deploy` zips. `make` must be on PATH. SAM never shares a makefile
# build between two functions (samcli/lib/build/build_graph.py), so each function is its own make
# run, and:
#
# * `jars` builds every function module with ONE Maven run, in the checkout this Makefile lives in
#   (not in SAM's scratch copy), and only when a pom.xml or a file under src/main changed since the
#   last such run, or a jar is missing. One `sam build` costs at most one Maven run, and another one
#   without changes costs none. A lock serialises concurrent runs (`sam build --parallel`).
# * build-<LogicalId> copies the function's shaded jar into $(ARTIFACTS_DIR)/lib/. The Java runtime
#   puts the task root and every lib/*.jar on the classpath (aws/aws-lambda-java-libs,
#   aws-lambda-java-runtime-interface-client, CustomerClassLoader: <task root>, then
#   <task root>/lib/*.jar in lexical order; the Lambda guide's Java packaging example, "Deploy Java
#   Lambda functions with .zip or JAR file archives", likewise puts the jars into lib/).
#
# Needs GNU make 3.81+ (macOS's make is fine), a POSIX sh, a JDK 17+ and Maven on PATH.
# By hand: `make jars`, or `make build-PublishFunction ARTIFACTS_DIR=/tmp/out`.
# Other Maven options: `make MVN_FLAGS='-q -o -DskipTests' ...`, or export MVN_FLAGS before `sam build`.
# infra/template-check/check_template.py checks that every Java function of template.yaml has its
# build-<LogicalId> target here and that the jar it names holds the function's handler.

# Read before any include: the path that make was given for this file (SAM gives the real one).
this_makefile := $(strip $(MAKEFILE_LIST))

MVN       ?= mvn
MVN_FLAGS ?= -B -q -DskipTests
# The project version in pom.xml (the jars are functions/<m>/target/function-<m>-$(VERSION)-lambda.jar).
VERSION   := 0.1.0-SNAPSHOT
# Every function module that template.yaml deploys.
MODULES   := publish yank owners search crates admin authorizer tokens

comma    := ,
empty    :=
space    := $(empty) $(empty)
PROJECTS := $(subst $(space),$(comma),$(addprefix functions/,$(MODULES)))

.DEFAULT_GOAL := jars
.PHONY: jars help \
	build-PublishFunction build-YankFunction build-OwnersFunction build-SearchFunction \
	build-CratesFunction build-AdminFunction build-BootstrapFunction build-AuthorizerFunction \
	build-TokensFunction

# --- one target per Java function of template.yaml: build-<LogicalId>, then the module it deploys ---
build-PublishFunction: jars
	@$(call lambda_jar,publish)

build-YankFunction: jars
	@$(call lambda_jar,yank)

build-OwnersFunction: jars
	@$(call lambda_jar,owners)

build-SearchFunction: jars
	@$(call lambda_jar,search)

build-CratesFunction: jars
	@$(call lambda_jar,crates)

build-AdminFunction: jars
	@$(call lambda_jar,admin)

# Same jar as AdminFunction, another handler.
build-BootstrapFunction: jars
	@$(call lambda_jar,admin)

build-AuthorizerFunction: jars
	@$(call lambda_jar,authorizer)

build-TokensFunction: jars
	@$(call lambda_jar,tokens)

# --- shell snippets (one logical line each: make joins the backslash-continued lines) -------------

# cd to the checkout: the directory of this Makefile when it holds pom.xml, else the current directory
# (SAM's scratch copy, e.g. when the path has spaces, which make cannot split correctly).
cd_root = mf='$(this_makefile)'; root=$$(cd "$$(dirname "$$mf")" 2>/dev/null && pwd -P) || root=; \
	if [ -z "$$root" ] || [ ! -f "$$root/pom.xml" ]; then root=$$(pwd -P); fi; cd "$$root"

jar_path = functions/$(1)/target/function-$(1)-$(VERSION)-lambda.jar

# $(call lambda_jar,<module>): the module's shaded jar becomes $(ARTIFACTS_DIR)/lib/<jar>, alone there.
lambda_jar = set -e; art='$(ARTIFACTS_DIR)'; \
	if [ -z "$$art" ]; then \
	  echo "$@: ARTIFACTS_DIR is not set (sam build sets it; by hand: make $@ ARTIFACTS_DIR=<dir>)" >&2; exit 2; \
	fi; \
	case "$$art" in /*) ;; *) art="$$(pwd -P)/$$art" ;; esac; \
	$(cd_root); jar='$(call jar_path,$(1))'; \
	mkdir -p "$$art/lib"; rm -f "$$art"/lib/function-*-lambda.jar; cp "$$jar" "$$art/lib/"; \
	echo "$@: $$jar -> $$art/lib/"

# --- the jars: one Maven run for all modules, when something changed ---------------------------------
# target/sam-build/ (ignored by git, removed by `mvn clean`) holds the stamp of the last successful run
# and the lock. A sibling make run that waits for the lock finds the jars fresh afterwards.
jars:
	@set -e; $(cd_root); state=target/sam-build; mkdir -p "$$state"; lock="$$state/lock"; n=0; \
	while ! mkdir "$$lock" 2>/dev/null; do \
	  [ $$n -gt 0 ] || echo "waiting for another build of the Lambda jars (lock $$PWD/$$lock: remove it if none is running)"; \
	  n=$$((n + 1)); [ $$n -lt 3600 ] || { echo "gave up waiting for $$PWD/$$lock" >&2; exit 1; }; sleep 1; \
	done; \
	trap 'rmdir "$$lock" 2>/dev/null || :' EXIT; trap 'exit 1' HUP INT TERM; \
	why=; [ -f "$$state/maven.stamp" ] || why="no earlier build"; \
	for m in $(MODULES); do \
	  jar="functions/$$m/target/function-$$m-$(VERSION)-lambda.jar"; \
	  [ -n "$$why" ] || [ -f "$$jar" ] || why="$$jar is missing"; \
	done; \
	if [ -z "$$why" ]; then \
	  changed=$$(find . \( -name target -o -name node_modules -o -name .git -o -name .aws-sam \) -prune -o \
	    -type f \( -name pom.xml -o -path '*/src/main/*' -o -path './.mvn/*' \) \
	    -newer "$$state/maven.stamp" -print | head -n 1); \
	  [ -z "$$changed" ] || why="$$changed changed"; \
	fi; \
	if [ -z "$$why" ]; then echo "Lambda jars are up to date in $$PWD"; exit 0; fi; \
	echo "Lambda jars ($$why): $(MVN) $(MVN_FLAGS) package -pl $(PROJECTS) -am (in $$PWD; the first run downloads the dependencies)"; \
	touch "$$state/maven.stamp.new"; \
	$(MVN) $(MVN_FLAGS) package -pl $(PROJECTS) -am; \
	for m in $(MODULES); do \
	  jar="functions/$$m/target/function-$$m-$(VERSION)-lambda.jar"; \
	  [ -f "$$jar" ] || { echo "Maven finished, but there is no $$jar (VERSION in the Makefile = pom.xml's?)" >&2; exit 1; }; \
	done; \
	mv -f "$$state/maven.stamp.new" "$$state/maven.stamp"

help:
	@echo "make jars                                  build the Lambda jars (one Maven run, only if needed)"
	@echo "make build-<LogicalId> ARTIFACTS_DIR=<dir>  what sam build runs for each Java function:"
	@echo "                                           the jars, then <dir>/lib/<the function's jar>"
	@echo "  (one build-<LogicalId> target per Java function of template.yaml, see this Makefile)"
