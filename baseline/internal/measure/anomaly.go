package main

import (
	"fmt"
	"time"

	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/tensor"
)

var classNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// measureAnomaly runs the one-class protocol: fit on the training images
// of one class, score the whole test set, normal = that class.
func measureAnomaly(train *tensor.Tensor, trainLabels []int, test *tensor.Tensor, testLabels []int, classes []int) error {
	fmt.Printf("## Anomaly detection, one-class protocol: AUROC on all %d test images (normal = the class)\n\n", test.Dim(0))
	pcaK, knnK := []int{10, 50}, []int{1, 5}
	fmt.Println("| class | PCA k=10 | PCA k=50 | kNN k=1 | kNN k=5 | seconds |")
	fmt.Println("|---|---|---|---|---|---|")
	sums := make([]float64, 4)
	per := train.Len() / train.Dim(0)
	for _, c := range classes {
		t0 := time.Now()
		var idx []int
		for i, l := range trainLabels {
			if l == c {
				idx = append(idx, i)
			}
		}
		fit := tensor.New(len(idx), 1, 28, 28)
		for r, i := range idx {
			copy(fit.Data[r*per:(r+1)*per], train.Data[i*per:(i+1)*per])
		}
		anomalous := make([]bool, len(testLabels))
		for i, l := range testLabels {
			anomalous[i] = l != c
		}
		var aucs []float64
		for _, k := range pcaK {
			p, err := baseline.FitPCA(fit, k)
			if err != nil {
				return err
			}
			s, err := p.ReconstructionError(test)
			if err != nil {
				return err
			}
			aucs = append(aucs, auroc(s, anomalous))
		}
		_, dist, err := baseline.KNearest(fit, test, knnK[len(knnK)-1])
		if err != nil {
			return err
		}
		for _, k := range knnK {
			s := make([]float64, len(dist))
			for i, d := range dist {
				for _, v := range d[:k] {
					s[i] += v / float64(k)
				}
			}
			aucs = append(aucs, auroc(s, anomalous))
		}
		row := fmt.Sprintf("| %d %s |", c, classNames[c])
		for i, a := range aucs {
			row += fmt.Sprintf(" %.4f |", a)
			sums[i] += a / float64(len(classes))
		}
		fmt.Printf("%s %.0f |\n", row, time.Since(t0).Seconds())
	}
	fmt.Printf("| mean of %d classes | %.4f | %.4f | %.4f | %.4f | |\n\n", len(classes), sums[0], sums[1], sums[2], sums[3])
	return nil
}
