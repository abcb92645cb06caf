"""A classification head that reads the sentence at the target, not only at [CLS].

With the target marked in the text (``<< mention >>``, see :func:`stance.classifier.mark_target`),
the encoder's output at the opening marker is a vector about *this* mention in *this* sentence.
The head classifies the pooled [CLS] vector concatenated with it ("entity-start" pooling, Baldini
Soares et al. 2019, Matching the Blanks). Where the target is not in the text (an inferred
target, "the rebels" for "Syrian opposition"), there is no marker and the [CLS] vector stands in.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import BertForSequenceClassification
from transformers.modeling_outputs import SequenceClassifierOutput


def target_positions(input_ids, token_type_ids, marker_id: int):
    """Index of the first marker token in the text segment (type 1) of each row; 0 ([CLS]) where none.

    The target segment (type 0) repeats the mention unmarked, but a target string holding a
    marker character must not count. float: ONNX ArgMax takes no bool input, and argmax returns
    the first maximum, 0 for an all-zero row.
    """
    return ((input_ids == marker_id) & (token_type_ids == 1)).float().argmax(dim=1)


class TargetPooledBert(BertForSequenceClassification):
    """``BertForSequenceClassification`` whose classifier sees [pooled CLS ; output at the target marker].

    ``config.target_marker_id``: token id of the opening marker's first token.
    """

    def __init__(self, config) -> None:
        super().__init__(config)
        self.classifier = nn.Linear(2 * config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, **kwargs) -> SequenceClassifierOutput:
        hidden = self.bert(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        states, pooled = hidden.last_hidden_state, hidden.pooler_output
        position = target_positions(input_ids, token_type_ids, self.config.target_marker_id)
        at_target = states.gather(1, position[:, None, None].expand(-1, 1, states.size(-1))).squeeze(1)
        logits = self.classifier(self.dropout(torch.cat([pooled, at_target], dim=-1)))
        return SequenceClassifierOutput(logits=logits)
