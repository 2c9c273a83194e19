// Package schedule holds the noise schedules of diffusion models: the
// discrete variance schedules β_t of DDPM (Ho et al. 2020), improved DDPM
// (Nichol & Dhariwal 2021) and the sigmoid schedule of Jabri et al. (2022),
// and the continuous σ schedule of Karras et al. (2022, "EDM").
//
// A discrete schedule has T steps indexed t = 0 … T−1, following diffusers:
// step t adds noise with variance β_t, and ᾱ_t = ∏_{s≤t} (1 − β_s) is the
// signal fraction of x_t, so x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε. Everything is
// float64; ᾱ is a cumulative product computed in float64. From ᾱ follow the
// signal-to-noise ratio SNR = ᾱ/(1−ᾱ), its log, and the equivalent
// variance-exploding noise level σ = √((1−ᾱ)/ᾱ), which lets EDM-style samplers
// run on a discrete schedule (x_t/√ᾱ_t = x_0 + σ_t·ε).
//
// Example:
//
//	s := schedule.NewCosine(1000, 0.008)
//	ab := s.AlphaBar(499)  // signal fraction half-way
//	sig := s.Sigma(499)    // the same point as an EDM noise level
//	ts, _ := schedule.Timesteps(1000, 50, schedule.Trailing)
//	sigmas := schedule.KarrasSigmas(18, 0.002, 80, 7)
package schedule
