// Package augment is data augmentation with diffusion models: given a
// labelled data set (an image folder with one sub-folder per class, a
// Fashion-MNIST subset, a table with a target column, or labelled text: a
// folder with one corpus file per class, or fortune files) it draws synthetic
// examples of chosen classes from a class-conditional model, optionally keeps
// only those a classifier trained on the real data assigns to their class
// with enough confidence, and writes them beside the real ones with their
// labels and a manifest (model SHA-256, seed, guidance, sampler, counts) from
// which the same settings give the same files.
//
// It also holds the downstream benchmark that says whether doing so helps:
// a small classifier trained on real data only, on real data plus classic
// augmentation (flips and shifts for images, SMOTE interpolation for
// tables, none for text), and on real plus synthetic data at mixing ratios
// and guidance scales chosen on a validation split, each over several
// seeds, with the mean and a 95% Student-t interval of the test score.
//
// The mixing ratio r is the synthetic share of the augmented training set:
// for n_c real examples of class c, round(n_c·r/(1−r)) synthetic ones are
// added (Azizi et al. 2023, "Synthetic data from diffusion models improves
// ImageNet classification", mix real and synthetic data the same way).
//
// Text is conditioned the cheapest way a language model allows: an MDLM
// model (package text) is trained on the documents "CLASS: TEXT" and a text
// of a class is drawn by completing the prompt "CLASS: " (LabelPrompt).
// The downstream text model is CharClassifier, a bag of hashed character
// n-grams with multinomial logistic regression, scored by macro-F1.
//
// Example:
//
//	real, err := augment.LoadFolder("photos", 28, 1)
//	counts, err := augment.Request{PerClass: 100}.Counts(real.ClassCounts())
//	syn, reports, err := augment.GenerateImages(ctx, p, real.Classes, counts, augment.ImageOptions{Guidance: 3, Seed: 1})
//	m := augment.Manifest{ModelSHA256: hash, Seed: 1, Guidance: 3, Classes: augment.NewCounts(real.ClassCounts(), reports)}
//	err = augment.WriteImages("augmented", real, syn, m)
package augment
