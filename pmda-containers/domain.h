/*
 * domain.h - the PMDA's domain number: 171 is unassigned in PCP 6.0.3's
 * stdpmid and upstream (44-55 and 166-229 are free).  Install reads it here.
 */
#define CONTAINERS 171
