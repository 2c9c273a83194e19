package anomaly

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/diffusego/diffusego/checkpoint"
)

// WriteCSV writes one row per image with both scores and their
// flags, atomically (checkpoint.WriteAtomic):
//
//	index,name,label,recon,elbo_bpd,recon_anomalous,elbo_anomalous
//
// where a flag is score > threshold. names needs one name per image;
// labels may be nil (the column is then empty), as for a PNG folder.
func WriteCSV(path string, names []string, labels []int, s *Scores, th Thresholds) error {
	return WriteCSVFrom(path, 0, names, labels, s, th)
}

// WriteCSVFrom is WriteCSV for images first, first+1, … of a larger set:
// the index column counts from first, so that the CSVs of consecutive
// parts, joined, are the CSV of the whole.
func WriteCSVFrom(path string, first int, names []string, labels []int, s *Scores, th Thresholds) error {
	if err := checkCSV(names, labels, s); err != nil {
		return fmt.Errorf("anomaly: csv %s: %w", path, err)
	}
	return checkpoint.WriteAtomic(path, func(w io.Writer) error { return EncodeCSV(w, first, names, labels, s, th) })
}

// checkCSV refuses rows that do not come one name, label and pair of
// scores per image.
func checkCSV(names []string, labels []int, s *Scores) error {
	if s == nil || len(s.Recon) != len(s.ELBO) || len(names) != len(s.Recon) || (labels != nil && len(labels) != len(names)) {
		return fmt.Errorf("want one name, label and pair of scores per image")
	}
	return nil
}

// EncodeCSV writes to w what WriteCSVFrom writes to a file.
func EncodeCSV(w io.Writer, first int, names []string, labels []int, s *Scores, th Thresholds) error {
	if err := checkCSV(names, labels, s); err != nil {
		return fmt.Errorf("anomaly: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"index", "name", "label", "recon", "elbo_bpd", "recon_anomalous", "elbo_anomalous"}); err != nil {
		return err
	}
	for i := range names {
		label := ""
		if labels != nil {
			label = strconv.Itoa(labels[i])
		}
		row := []string{strconv.Itoa(first + i), names[i], label,
			strconv.FormatFloat(s.Recon[i], 'g', -1, 64), strconv.FormatFloat(s.ELBO[i], 'g', -1, 64),
			strconv.FormatBool(s.Recon[i] > th.Recon), strconv.FormatBool(s.ELBO[i] > th.ELBO)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteFeatureCSV writes one row per image with every feature score
// (FeatureScoreNames) and the flag of the score named by, atomically:
//
//	index,name,label,feat_recon,err_maha,feat_maha,feat_knn,layer_maha,feat_ens,anomalous
//
// where anomalous is scores[by] > threshold. labels may be nil.
func WriteFeatureCSV(path string, names []string, labels []int, scores map[string][]float64, by string, threshold float64) error {
	for _, c := range FeatureScoreNames {
		if len(scores[c]) != len(names) {
			return fmt.Errorf("anomaly: csv %s: want one %s score per image", path, c)
		}
	}
	if scores[by] == nil || (labels != nil && len(labels) != len(names)) {
		return fmt.Errorf("anomaly: csv %s: no score %q, or not one label per image", path, by)
	}
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := append(append([]string{"index", "name", "label"}, FeatureScoreNames...), "anomalous")
		if err := cw.Write(head); err != nil {
			return err
		}
		for i := range names {
			label := ""
			if labels != nil {
				label = strconv.Itoa(labels[i])
			}
			row := []string{strconv.Itoa(i), names[i], label}
			for _, c := range FeatureScoreNames {
				row = append(row, strconv.FormatFloat(scores[c][i], 'g', -1, 64))
			}
			if err := cw.Write(append(row, strconv.FormatBool(scores[by][i] > threshold))); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}
