// Package classifier is a small convolutional image classifier: the
// network behind the project's learning test on Fashion-MNIST, and the
// feature extractor that image metrics (Fréchet distance, precision and
// recall) measure in.
//
// The network is two 3×3 convolutions with ReLU and 2×2 average pooling,
// then a hidden Linear layer with ReLU and the class logits:
//
//	(N,1,28,28) → conv1 → relu → pool → (N,C1,14,14) → conv2 → relu → pool →
//	(N,C2,7,7) → flatten → fc1 → relu → (N,Hidden) features → fc2 → (N,Classes) logits
//
// LoadFashionMNIST returns a trained Fashion-MNIST network embedded in the
// binary (weights/README.md says how it was made); its Embed maps images to
// the 128 features that the metrics package compares.
//
// Example:
//
//	net, err := classifier.LoadFashionMNIST()
//	feats := net.Embed(images) // (N, 128)
//
//	m := classifier.New(classifier.DefaultConfig(), tensor.NewRNG(0))
//	err := classifier.Train(ctx, m, images, labels, classifier.TrainConfig{Epochs: 1, Batch: 64, LR: 1e-3})
//	acc := classifier.Accuracy(m, testImages, testLabels)
package classifier
