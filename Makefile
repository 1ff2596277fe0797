# Builds the Java Lambda functions for `sam build`. In template.yaml every Java function has
# `CodeUri: .` (this directory) and `Metadata: BuildMethod: makefile`.
#
# How SAM uses this file (AWS SAM Developer Guide, "Building Lambda functions with custom runtimes";
# aws/aws-lambda-builders, aws_lambda_builders/workflows/custom_make): for each such function,
# `sam build` copies the CodeUri directory (without .git and .aws-sam) to a scratch directory and
# runs `make --makefile <path of this file> build-<LogicalId>` there, with ARTIFACTS_DIR set to
# .aws-sam/build/<LogicalId> in the environment; `make` must be on PATH. What the target leaves in
# ARTIFACTS_DIR is the function's code, which `sam deploy` zips. SAM never merges two makefile
# functions into one build (samcli/lib/build/build_graph.py), so every function is its own make run:
#
# * `jars` builds all function modules with ONE Maven run, in the checkout this Makefile lives in
#   (found through --makefile; with an older builder that runs the scratch copy's Makefile, in that
#   copy), and only when no earlier run succeeded there, a jar is missing, or a pom.xml or a file under
#   some src/main changed since (outside DOWNSTREAM). So one `sam build` costs at most one Maven run, and a `sam build`
#   without changes none: the jars stay byte-identical, `sam deploy` computes the same artifact
#   checksums, and no function gets a new version (and SnapStart snapshot) for nothing. A lock
#   serialises concurrent runs (`sam build --parallel`).
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
# build-<LogicalId> target here and that the jar it installs holds the function's handler;
# infra/template-check/sam_build_sim.py runs these targets the way SAM does.

# Read before any include: the path that make was given for this file (SAM gives the real one).
this_makefile := $(strip $(MAKEFILE_LIST))

MVN       ?= mvn
MVN_FLAGS ?= -B -q -DskipTests
# The project version in pom.xml (the jars are functions/<m>/target/function-<m>-$(VERSION)-lambda.jar).
VERSION   := 0.1.0-SNAPSHOT
# Every function module that template.yaml deploys.
MODULES   := publish yank owners search crates admin authorizer tokens
# Modules whose changes cannot change a function jar, so they do not make `jars` run Maven: bench and
# infra/local depend on function modules (Maven allows no cycle back), infra/localstack only on the
# test fixture. Every other pom.xml and src/main counts (erring towards a rebuild).
DOWNSTREAM := bench infra/local infra/localstack

comma    := ,
empty    :=
space    := $(empty) $(empty)
PROJECTS := $(subst $(space),$(comma),$(addprefix functions/,$(MODULES)))

# SAM always sets ARTIFACTS_DIR; fail before Maven runs when a build-* target is asked for without it.
ifneq ($(filter build-%,$(MAKECMDGOALS)),)
ifeq ($(strip $(ARTIFACTS_DIR)),)
$(error ARTIFACTS_DIR is not set: sam build sets it; by hand, make $(filter build-%,$(MAKECMDGOALS)) ARTIFACTS_DIR=<dir>)
endif
endif

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

# cd to the checkout: the directory of this Makefile when it holds pom.xml (quoted, so a path with a
# space works), else the current directory (SAM's scratch copy, a complete copy of the checkout).
cd_root = mf='$(this_makefile)'; root=$$(cd "$$(dirname "$$mf")" 2>/dev/null && pwd -P) || root=; \
	if [ -z "$$root" ] || [ ! -f "$$root/pom.xml" ]; then root=$$(pwd -P); fi; cd "$$root"

jar_path = functions/$(1)/target/function-$(1)-$(VERSION)-lambda.jar

# $(call lambda_jar,<module>): the module's shaded jar becomes $(ARTIFACTS_DIR)/lib/<jar>, alone there.
lambda_jar = set -e; art='$(ARTIFACTS_DIR)'; \
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
	  jar="$(call jar_path,$$m)"; [ -n "$$why" ] || [ -f "$$jar" ] || why="$$jar is missing"; \
	done; \
	if [ -z "$$why" ]; then \
	  changed=$$(find . \( -name target -o -name node_modules -o -name .git -o -name .aws-sam \
	    $(foreach d,$(DOWNSTREAM),-o -path ./$(d)) \) -prune -o \
	    -type f \( -name pom.xml -o -path '*/src/main/*' -o -path './.mvn/*' \) \
	    -newer "$$state/maven.stamp" -print | head -n 1); \
	  [ -z "$$changed" ] || why="$$changed changed"; \
	fi; \
	if [ -z "$$why" ]; then echo "Lambda jars are up to date in $$PWD"; exit 0; fi; \
	echo "Lambda jars ($$why): $(MVN) $(MVN_FLAGS) package -pl $(PROJECTS) -am (in $$PWD; the first run downloads the dependencies)"; \
	touch "$$state/maven.stamp.new"; \
	$(MVN) $(MVN_FLAGS) package -pl $(PROJECTS) -am; \
	for m in $(MODULES); do \
	  jar="$(call jar_path,$$m)"; \
	  [ -f "$$jar" ] || { echo "Maven finished, but there is no $$jar (VERSION in the Makefile = pom.xml's?)" >&2; exit 1; }; \
	done; \
	mv -f "$$state/maven.stamp.new" "$$state/maven.stamp"

help:
	@echo "make jars                                  build the Lambda jars (one Maven run, only if needed)"
	@echo "make build-<LogicalId> ARTIFACTS_DIR=<dir>  what sam build runs for each Java function:"
	@echo "                                           the jars, then <dir>/lib/<the function's jar>"
	@echo "  (one build-<LogicalId> target per Java function of template.yaml, see this Makefile)"
