/* placeholder until the run command lands */
#include "commands.h"
int rfl_cmd_run(int argc, char **argv) { (void)argc; (void)argv; return 4; }
