"""OpenSPBE: the platform a regency runs to plan, budget, fund villages, monitor work and open it all up."""
