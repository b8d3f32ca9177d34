# The two commands of README's quick start. Both bootstrap the toolchain
# (Node 22 into .tools/ when the machine's Node is older, Yarn 4 via corepack).
.PHONY: start test cluster-up cluster-down

start:
	bash scripts/start.sh

test:
	bash scripts/test.sh

cluster-up:
	bash dev/cluster/cluster.sh up

cluster-down:
	bash dev/cluster/cluster.sh down
