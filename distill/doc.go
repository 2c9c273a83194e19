// Package distill turns a guided diffusion model that needs many network
// calls per image into a student that samples in a few: guidance
// distillation (Meng et al. 2023, "On distillation of guided diffusion
// models", stage one) followed by progressive distillation (Salimans & Ho
// 2022, "Progressive distillation for fast sampling of diffusion models").
//
// # The maths
//
// Noise levels are in the samplers' σ view, x = x₀ + σ·ε (package
// sampler); the network sees x_t = √ᾱ·x with ᾱ = 1/(1+σ²). Deterministic
// DDIM (η = 0) moves x from σ to σ' < σ with a clean-image prediction x̂₀:
//
//	DDIM(x; x̂₀, σ → σ') = x̂₀ + (σ'/σ)·(x − x̂₀).
//
// A student of N steps walks the trailing grid σ_0 > σ_1 > … > σ_N = 0 of
// N training steps (Grid); the grid of 2N steps contains it at its even
// points, so every student step spans exactly m teacher steps (m = 2 in a
// halving round). For a training image x₀, a grid index k and
// x = x₀ + σ_k·ε, the teacher's m DDIM steps take x to x” at σ_{k+1}. The
// student's one step lands on x” exactly when its prediction is
//
//	x̃ = (x'' − (σ_{k+1}/σ_k)·x) / (1 − σ_{k+1}/σ_k)
//
// (Salimans & Ho 2022, Algorithm 2, in σ form; x̃ = x” on the last step,
// where σ_{k+1} = 0). The student regresses x̃ in the v parameterisation,
// v = √ᾱ·ε̃ − √(1−ᾱ)·x̃ with ε̃ = (x − x̃)/σ_k: its x̂₀ stays finite at the
// largest σ, where an ε prediction would be divided by √ᾱ ≈ 0, and the
// squared v error is (1 + SNR)·‖x̂₀ − x̃‖², the "SNR+1" weighting of
// Salimans & Ho (§4).
//
// Round 0 distils guidance (m = 1): the teacher's "step" is one DDIM step
// with the classifier-free guided prediction x̂₀ = x̂₀ᵤ + w·(x̂₀_c − x̂₀ᵤ),
// so x̃ is that prediction itself, and the student learns in one call what
// guidance needed two for, at the N₀ levels the first halving round uses.
// Meng et al. also feed w to the student; here w is fixed per student
// (recorded in its checkpoint), since the U-Net has no input for it.
// Round r ≥ 1 halves the steps: its teacher is round r−1's student at
// N₀/2^(r−1) steps and its student, initialised from the teacher's
// weights, takes N₀/2^r. Students sample with DDIM on their own grid
// (pipeline.Student), one network call per step.
//
// # Runs
//
// Each round is an ordinary training run (train.NewTask with Task): its
// batch, grid indices and noise at step s come from the seed and s alone,
// so a run stopped anywhere resumes with the same bits. Run writes
// ckpt-rRR-SSSSSS.safetensors while a round trains and
// student-NNNN.safetensors when it ends; each carries the student's
// pipeline.Model (with its pipeline.Student: steps, w, round, the
// teacher's SHA-256) and the run's Config.
//
//	cfg := distill.Config{Guidance: 3, StartSteps: 16, FinalSteps: 1, TrainSteps: 500, Batch: 32, LR: 2e-4}
//	students, err := distill.Run(ctx, cfg, teacher, teacherHash, batches, distill.Output{Dir: "out/distill"})
package distill
